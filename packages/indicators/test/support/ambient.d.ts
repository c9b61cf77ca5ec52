declare module 'talib' {
  interface ExecuteResult {
    begIndex: number;
    nbElement: number;
    result: Record<string, number[]>;
  }
  interface Talib {
    version: string;
    execute(spec: Record<string, unknown>): ExecuteResult;
    explain(name: string): unknown;
  }
  const talib: Talib;
  export default talib;
}

declare module 'tulind' {
  const tulind: unknown;
  export default tulind;
}
