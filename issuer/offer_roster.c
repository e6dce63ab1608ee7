/* offer_roster: `offer create --roster FILE.csv -o OUT.csv`, one OID4VCI
 * offer per roster row (oid4vci.h), all in one transaction: a bad row
 * (its line named) leaves no offer made and no file written. OUT.csv,
 * mode 0600 (it holds the PINs), is the mail merge:
 * name,recipient,achievement,offer_id,claim_url,pin,expires, and
 * lcw_link (the Learner Credential Wallet's link to the offer's VC-API
 * exchange) last when the offers have one (no --pin, or --lcw). The link
 * goes by e-mail, the PIN by another channel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "base/dates.h"
#include "base/fsutil.h"
#include "cli/cli.h"
#include "csv_out.h"
#include "io/roster.h"
#include "oid4vci.h"
#include "vc/ob3.h"

/* Whether offers made with p carry a VC-API exchange (offer.c). */
static int has_exchange(const offer_params *p)
{
	return p->lcw > 0 || (p->lcw == 0 && !p->pin);
}

/* One row's offer and its mail-merge line. */
static ob_code row_offer(issuer_state *st, const ob_roster_row *row, const offer_params *defaults,
			 const char *roster, const char *server, ob_buf *csv, ob_error *err)
{
	offer_params p = *defaults;
	offer_made m = { 0 };
	ob_buf uri = OB_BUF_INIT, link = OB_BUF_INIT, lcw = OB_BUF_INIT;
	ob_error e = { 0 };
	char when[32];
	ob_code rc;

	p.name = row->f[OB_ROSTER_NAME] && *row->f[OB_ROSTER_NAME] ? row->f[OB_ROSTER_NAME] : NULL;
	p.recipient = row->f[OB_ROSTER_RECIPIENT];
	p.achievement = row->f[OB_ROSTER_ACHIEVEMENT];
	if (!p.recipient || (!ob3_is_email(p.recipient) && strncmp(p.recipient, "did:", 4)))
		return ob_fail(err, OB_EUSAGE, "%s:%lu: the recipient is not an e-mail address or a DID", roster, row->line);
	if (!p.achievement || !*p.achievement)
		return ob_fail(err, OB_EUSAGE, "%s:%lu: no achievement", roster, row->line);
	if ((rc = issuer_offer_create(st, &p, &m, &e))) {
		rc = ob_fail(err, rc, "%s:%lu: %s", roster, row->line, e.msg);
		goto out;
	}
	if ((rc = issuer_offer_uri(server, m.ref, &uri, &link, err)) ||
	    (m.xref && (rc = issuer_offer_lcw_link(server, m.xref, m.pin ? NULL : link.data, &lcw, err))))
		goto out;
	ob_date_format(m.expires, when);
	issuer_csv_cell(csv, p.name ? p.name : "", 0);
	issuer_csv_cell(csv, p.recipient, 0);
	issuer_csv_cell(csv, p.achievement, 0);
	issuer_csv_cell(csv, m.id, 0);
	issuer_csv_cell(csv, link.data, 0);
	issuer_csv_cell(csv, m.pin ? m.pin : "", 0);
	issuer_csv_cell(csv, when, !m.xref);
	if (m.xref)
		issuer_csv_cell(csv, lcw.data, 1);
out:
	offer_made_release(&m);
	ob_buf_release(&uri);
	ob_buf_release(&link);
	ob_buf_release(&lcw);
	return rc;
}

int issuer_offer_roster(const char *roster, const offer_params *defaults, const char *server_opt, const char *out)
{
	issuer_state st = { 0 };
	ob_roster *ros = NULL;
	ob_roster_row row;
	ob_error err = { 0 };
	ob_buf csv = OB_BUF_INIT;
	char *server = NULL;
	unsigned long n = 0;
	int opened = 0, in_tx = 0, got, rc = 0;

	if (issuer_open(&st, 0, &err))
		goto fail;
	opened = 1;
	if (!(server = issuer_offer_server(&st, server_opt, &err)) || !(ros = ob_roster_open(roster, &err)))
		goto fail;
	ob_buf_adds(&csv, has_exchange(defaults) ? "name,recipient,achievement,offer_id,claim_url,pin,expires,lcw_link\r\n"
		    : "name,recipient,achievement,offer_id,claim_url,pin,expires\r\n");
	if (issuer_db_begin(st.db, &err))
		goto fail;
	in_tx = 1;
	while ((got = ob_roster_next(ros, &row, &err)) == 1) {
		if (row_offer(&st, &row, defaults, roster, server, &csv, &err))
			goto fail;
		n++;
	}
	if (got < 0)
		goto fail;
	if (csv.oom) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	/* the file first: offers nobody can find the links of are no use */
	if (ob_write_file_atomic(out, csv.data, csv.len, 0600, 0, &err))
		goto fail;
	in_tx = 0;
	if (issuer_db_commit(st.db, &err)) {
		unlink(out);
		goto fail;
	}
	printf("%s\n", out);
	fprintf(stderr, "ob-issuer: %lu offers; links and PINs in %s (mode 600: send each link by e-mail, "
		"its PIN by another channel)\n", n, out);
	goto done;
fail:
	if (in_tx)
		issuer_db_rollback(st.db);
	rc = ob_cli_fail(&err);
done:
	ob_roster_close(ros);
	ob_buf_release_secret(&csv);
	free(server);
	if (opened)
		issuer_close(&st);
	return rc;
}
