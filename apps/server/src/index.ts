export { startServer, type RunningServer } from './server.ts';
export { loadConfig, configSchema, type ServerConfig } from './config.ts';
