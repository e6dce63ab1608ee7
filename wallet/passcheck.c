/* How strong a new wallet passphrase is, and what to do when it is weak.
 * Anyone who copies wallet.db or a backup can guess offline, slowed only
 * by scrypt, so "abc" must not pass without a word. The estimate is
 * deliberately simple (not zxcvbn): a list of very common passwords, the
 * length in characters, the kinds of characters used, and runs such as
 * "aaaa" or "abcd" counted as one character. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "wallet.h"

/* The estimate a passphrase needs, in bits (scrypt adds about 16 at the
 * default cost): 13 lower-case letters, 12 letters and digits, 10 of all
 * four kinds, or three or four words. */
#define WANT_BITS 60.0
#define MIN_CHARS 8

/* Among the most used passwords in published breach lists (the top of
 * SecLists' and NCSC's lists), lower case, without trailing digits and
 * symbols, which are compared stripped too ("Password123!" is
 * "password"). */
static const char *const common[] = {
	"123456", "12345678", "123456789", "1234567890", "1q2w3e4r", "1qaz2wsx", "654321",
	"666666", "696969", "abcdef", "access", "admin", "administrator",
	"azerty", "baseball", "batman", "charlie", "changeme", "cheese", "computer",
	"default", "dragon", "football", "freedom", "hello", "hellohello", "hunter",
	"iloveyou", "jennifer", "jesus", "letmein", "login", "lovely", "master", "michael",
	"monkey", "mustang", "ninja", "passw", "passw0rd", "password", "passwort", "pass",
	"passphrase", "princess", "qazwsx", "qwe", "qwerty", "qwertyuiop", "qwertz",
	"secret", "shadow", "soccer", "starwars", "summer", "sunshine", "superman",
	"test", "trustno", "welcome", "whatever", "winter", "zaq1zaq1", "mypassword",
	"wallet", "mywallet", "obkit", "badge", "badges", "opensesame", "correcthorsebatterystaple",
};

/* 1 when pass, lower-cased, is on the list; 2 when it is once its
 * trailing digits and symbols are gone; else 0. */
static int is_common(const char *pass, size_t len)
{
	char low[64];
	size_t i, n = len;
	int found = 0;

	if (len >= sizeof(low))
		return 0;
	for (i = 0; i < len; i++)
		low[i] = (char)((pass[i] >= 'A' && pass[i] <= 'Z') ? pass[i] - 'A' + 'a' : pass[i]);
	low[len] = '\0';

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (!strcmp(low, common[i]))
			found = 1;
	/* "password123!", "Summer2026" */
	while (n > 0 && ((low[n - 1] >= '0' && low[n - 1] <= '9') || strchr("!?.#*@$-_ ", low[n - 1])))
		n--;
	if (!found && n && n < len) {
		low[n] = '\0';
		for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
			if (!strcmp(low, common[i]))
				found = 2;
	}
	OPENSSL_cleanse(low, sizeof(low));
	return found;
}

const char *wallet_pass_weakness(const char *pass, size_t len, char *why, size_t n)
{
	const unsigned char *p = (const unsigned char *)pass;
	int lower = 0, upper = 0, digit = 0, space = 0, symbol = 0, other = 0, kinds, found;
	size_t i, chars = 0, eff = 0;
	long prev = -1000, delta = 1000;
	double pool, bits;

	for (i = 0; i < len; i++) {
		if ((p[i] & 0xc0) == 0x80)
			continue; /* a UTF-8 continuation byte: the same character */
		chars++;
		lower |= p[i] >= 'a' && p[i] <= 'z';
		upper |= p[i] >= 'A' && p[i] <= 'Z';
		digit |= p[i] >= '0' && p[i] <= '9';
		space |= p[i] == ' ';
		other |= p[i] >= 0x80;
		symbol |= p[i] > ' ' && p[i] < 0x7f && !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') &&
			  !(p[i] >= '0' && p[i] <= '9');
		/* the third character of a run with the same step of -1, 0 or
		 * +1 ("aaa", "abc", "321") adds nothing */
		if (!(p[i] - prev == delta && delta >= -1 && delta <= 1))
			eff++;
		delta = p[i] - prev;
		prev = p[i];
	}
	pool = 26.0 * lower + 26.0 * upper + 10.0 * digit + 1.0 * space + 33.0 * symbol + 100.0 * other;
	kinds = lower + upper + digit + space + symbol + other;
	bits = pool > 1 ? (double)eff * log2(pool) : 0;
	if (chars < MIN_CHARS)
		snprintf(why, n, "it is only %zu character%s long", chars, chars == 1 ? "" : "s");
	else if ((found = is_common(pass, len)))
		snprintf(why, n, "it is one of the most common passwords%s",
			 found == 2 ? ", with digits or symbols added" : "");
	else if (bits >= WANT_BITS)
		return NULL;
	else if (eff * 2 < chars)
		snprintf(why, n, "it is mostly repeated or consecutive characters (like 'aaaa' or 'abcd')");
	else
		snprintf(why, n, "%zu characters of %d kind%s (lower case, upper case, digits, symbols) "
			 "are easy to guess (about %.0f bits; %.0f wanted)", chars, kinds,
			 kinds == 1 ? "" : "s", bits, WANT_BITS);
	return why;
}

/* Asks "Use it anyway? [y/N]" on the terminal; 1 for yes. */
static int ask_anyway(void)
{
	static const char q[] = "Use it anyway? [y/N] ";
	char c = 0, first = 0;
	ssize_t got;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, q, sizeof(q) - 1) < 0) {
		close(fd);
		return 0;
	}
	for (;;) {
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || c == '\n' || c == '\r')
			break;
		if (!first)
			first = c;
	}
	close(fd);
	return first == 'y' || first == 'Y';
}

ob_code wallet_new_passphrase(const char *file, const char *prompt, int weak_ok, char **out,
			      size_t *len, ob_error *err)
{
	const char *env = getenv("OBKIT_WALLET_PASSPHRASE_FILE");
	const int from_file = file || wallet_passfile_opt || (env && *env);
	char why[200];
	ob_code rc;

	if ((rc = wallet_passphrase(file, prompt, 1, out, len, err)))
		return rc;
	if (!wallet_pass_weakness(*out, *len, why, sizeof(why)))
		return OB_OK;
	fprintf(stderr, "%s: warning: weak passphrase: %s. Anyone with a copy of the wallet "
		"(or of a backup) can try guesses at it offline; 12 or more characters, or four "
		"words, resist that\n", ob_cli_prog(), why);
	if (weak_ok || (!from_file && ask_anyway()))
		return OB_OK;
	wallet_pass_free(*out, *len);
	*out = NULL;
	*len = 0;
	return ob_fail(err, OB_EUSAGE, from_file ? "weak passphrase refused (choose a stronger one, "
		       "or keep it with --weak-passphrase-ok)" : "weak passphrase refused: nothing "
		       "was changed");
}
