export { main, buildProgram } from './main.ts';
export { up, type RunningPasserine, type UpCommandOptions } from './up.ts';
export { registeredServices, type ServiceFactory, type UpOptions } from './registry.ts';
export { resolveNatsUrl, readEndpoints } from './endpoints.ts';
