#include "cli.h"
#include "issuer.h"

/* placeholder while CLR 2.0 is being written (issue 4 item 6) */
int cmd_clr(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return ob_cli_errorf(1, "clr: not built yet");
}
