export { main, buildProgram } from './main.ts';
export { up, type RunningPasserine, type UpCommandOptions } from './up.ts';
export { type RegisteredService, registeredServices, type ServiceFactory } from './registry.ts';
export { resolveNatsUrl, readEndpoints } from './endpoints.ts';
