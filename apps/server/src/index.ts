export { startServer, type RunningServer } from './server.ts';
export { loadConfig, configSchema, type ServerConfig } from './config.ts';
export { webStatic, DEFAULT_WEB_ROOT, type WebStatic } from './web-static.ts';
