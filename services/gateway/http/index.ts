export { createHttpServer, type HttpServer, type HttpServerOptions } from './http-server.ts';
export { MAX_PAGE_ROWS } from './workqueue-routes.ts';
export { httpAuthorizer } from './route-access.ts';
