// @wick/readme-commands: README.md's shell commands, parsed and categorised, and the means to run them
// as a user would (test/readme-commands.test.ts runs every one).
export { readmeCommands, splitCommands, normalized, type ReadmeCommand } from './readme-commands.ts';
export { RULES, categorise, type Category, type Categorised, type Rule } from './categories.ts';
export { ShellProcess, runToEnd, tail, plain, type Finished, type ShellOptions } from './shell-process.ts';
export { REPO_ROOT, userEnv } from './environment.ts';
export { composeServices, type ComposeService } from './compose-file.ts';
export { progress } from './progress.ts';
export { trpcQuery, latestCandle, portAnswers, type LatestCandle } from './wick-http.ts';
export { scriptEntries, workspacePackages } from './script-entries.ts';
