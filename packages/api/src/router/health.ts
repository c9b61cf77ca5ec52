import { publicProcedure } from '../trpc.ts';

export const healthProcedure = publicProcedure.query(({ ctx }) => ctx.services.health.check());
