/* err: error codes and the one error struct every library call fills. */
#ifndef OB_ERR_H
#define OB_ERR_H

typedef enum {
	OB_OK = 0,
	OB_EUSAGE,   /* caller gave bad arguments */
	OB_EIO,      /* file or device trouble */
	OB_ENOMEM,
	OB_EPARSE,   /* input is not well formed */
	OB_ECRYPTO,  /* crypto library failure (not a bad signature) */
	OB_ENET,     /* a document could not be fetched */
	OB_EINVALID, /* we checked and the credential is bad */
	OB_EUNSUPPORTED, /* valid input we cannot handle yet */
	OB_ELIMIT    /* input over one of its budgets (README "Budgets"):
		      * could not check, exit 3 */
} ob_code;

typedef struct {
	ob_code code;
	char msg[256];
} ob_error;

/* Records the first failure only; later calls keep the first message.
 * Returns code so callers can write `return ob_fail(...)`. err may be NULL. */
ob_code ob_fail(ob_error *err, ob_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like ob_fail with OB_ECRYPTO, appending OpenSSL's first queued error and
 * draining the queue. */
ob_code ob_fail_ssl(ob_error *err, const char *what);

/* Resets err to OB_OK with an empty message. */
void ob_error_clear(ob_error *err);

/* Maps a code to the process exit code: 0 ok, 1 invalid, 2 usage, 3 other. */
int ob_exit_code(ob_code code);

#endif
