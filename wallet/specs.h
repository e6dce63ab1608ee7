/* specs: the option tables (cli/opts.h) of the ob-wallet commands,
 * defined in their cmd_*.c files and listed by main.c. */
#ifndef OB_WALLET_SPECS_H
#define OB_WALLET_SPECS_H

#include "cli/opts.h"

extern const struct ob_cmd_spec init_spec, add_spec, list_spec, show_spec, export_spec;
extern const struct ob_cmd_spec receive_spec, remove_spec, whoami_spec, present_spec;
extern const struct ob_cmd_spec refresh_spec, share_spec, backup_spec, restore_spec;
extern const struct ob_cmd_spec passwd_spec, respond_spec;

#endif
