/* cmds: the ob-verifier subcommands that main.c's table dispatches to.
 * Each parses its own options (argv[0] is the command name) and returns
 * the process exit code. */
#ifndef OB_VERIFIER_CMDS_H
#define OB_VERIFIER_CMDS_H

int cmd_qr(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_canon(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
