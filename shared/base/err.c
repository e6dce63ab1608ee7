#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

ob_code ob_fail(ob_error *err, ob_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != OB_OK)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

ob_code ob_fail_ssl(ob_error *err, const char *what)
{
	char buf[160] = "unknown error";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return ob_fail(err, OB_ECRYPTO, "%s: %s", what, buf);
}

void ob_error_clear(ob_error *err)
{
	if (!err)
		return;
	err->code = OB_OK;
	err->msg[0] = '\0';
}

int ob_exit_code(ob_code code)
{
	switch (code) {
	case OB_OK:
		return 0;
	case OB_EINVALID:
	case OB_EPARSE:
		return 1;
	case OB_EUSAGE:
		return 2;
	default:
		return 3;
	}
}
