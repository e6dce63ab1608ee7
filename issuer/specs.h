/* specs: the option tables (cli/opts.h) of the ob-issuer commands that
 * have been converted to one, defined in their cmd_*.c files. Each is
 * also registered (OB_CMD_REGISTER), so ob-issuer's literal synopses in
 * main.c give way to them; once main.c lists these specs
 * (ob_cli_main_specs), that registration can go. */
#ifndef OB_ISSUER_SPECS_H
#define OB_ISSUER_SPECS_H

#include "cli/opts.h"

extern const struct ob_cmd_spec init_spec, bake_spec, clr_spec, sign_spec;
extern const struct ob_cmd_spec status_spec, revoke_spec, suspend_spec, reinstate_spec;

#endif
