/* specs: the option tables (cli/opts.h) of the ob-issuer commands that
 * have been converted to one, defined in their cmd_*.c files and listed by
 * main.c (ob_cli_main_specs). The OB_CMD_REGISTER lines of the first eight
 * (init, bake, clr, sign, status, revoke, suspend, reinstate) are no longer
 * needed and can go. achievement, issue, key and offer keep literal
 * synopses: their two forms or subcommand words need more than one table
 * under one command name (key rotate and key list each parse with their
 * own table in cmd_key.c, for their --help; main.c lists the literal). */
#ifndef OB_ISSUER_SPECS_H
#define OB_ISSUER_SPECS_H

#include "cli/opts.h"

extern const struct ob_cmd_spec init_spec, bake_spec, clr_spec, sign_spec;
extern const struct ob_cmd_spec status_spec, revoke_spec, suspend_spec, reinstate_spec;
extern const struct ob_cmd_spec list_spec, show_spec, export_spec;
/* issue: one table for both forms, with a literal synopsis */
extern const struct ob_cmd_spec issue_spec;
extern const struct ob_cmd_spec publish_spec, endorse_spec, serve_spec;

#endif
