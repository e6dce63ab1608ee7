/* cmds: the ob-verifier subcommands that main.c's table dispatches to.
 * Each parses its own options (argv[0] is the command name) and returns
 * the process exit code. */
#ifndef OB_VERIFIER_CMDS_H
#define OB_VERIFIER_CMDS_H

#include "cli/opts.h"

int cmd_qr(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_canon(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Their option tables (cli/opts.h), in the files above. */
extern const struct ob_cmd_spec verify_spec, canon_spec, qr_spec, scan_spec, serve_spec;

#endif
