/* db_pg_offer: db_offer.h's functions on PostgreSQL (db_pg_offer.c);
 * db_offer.c calls them for a PostgreSQL handle. */
#ifndef OB_ISSUER_DB_PG_OFFER_H
#define OB_ISSUER_DB_PG_OFFER_H

#include "db_offer.h"

ob_code pg_offer_add(issuer_db *db, const offer_rec *o, ob_error *err);
ob_code pg_offer_find(issuer_db *db, const char *by, const char *value, offer_rec *o, int *found, ob_error *err);
ob_code pg_offer_find_token(issuer_db *db, const unsigned char hash[32], offer_rec *o, int *found, ob_error *err);
ob_code pg_offer_each(issuer_db *db, ob_code (*fn)(const offer_rec *o, void *ctx, ob_error *err), void *ctx,
		      ob_error *err);
ob_code pg_offer_revoke(issuer_db *db, const char *id, time_t now, int *done, ob_error *err);
ob_code pg_offer_pin_fail(issuer_db *db, const char *id, long max, time_t now, long *fails, ob_error *err);
ob_code pg_offer_redeem(issuer_db *db, const char *id, const unsigned char token[32], time_t token_expires,
			time_t now, int *done, ob_error *err);
ob_code pg_offer_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder, time_t now,
			int *done, ob_error *err);
ob_code pg_offer_exchange_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
				 time_t now, int *done, ob_error *err);
ob_code pg_offer_once_add(issuer_db *db, int kind, const unsigned char hash[32], time_t expires, time_t now,
			  int *dup, ob_error *err);
ob_code pg_offer_once_take(issuer_db *db, int kind, const unsigned char hash[32], time_t now, int *ok,
			   ob_error *err);

#endif
