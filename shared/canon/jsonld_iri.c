/* jsonld_iri: IRIs for JSON-LD: keywords, absolute IRIs, reference
 * resolution (RFC 3986 5.2) and IRI Expansion (JSON-LD 1.1 API §4.3),
 * with the per-context memo of expanded keys and types. */
#include "canon/jsonld_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
	"@base", "@container", "@context", "@default", "@direction", "@embed",
	"@explicit", "@graph", "@id", "@import", "@included", "@index", "@json",
	"@language", "@list", "@nest", "@none", "@omitDefault", "@prefix",
	"@preserve", "@propagate", "@protected", "@requireAll", "@reverse",
	"@set", "@type", "@value", "@version", "@vocab", NULL
};

int jl_is_keyword(const char *s)
{
	const char *const *k;

	if (!s || s[0] != '@' || s[1] < 'b' || s[1] > 'v')
		return 0;
	if (jl_kw_id(s) != K_OTHER)
		return 1;
	for (k = keywords; *k; k++)
		if ((*k)[1] == s[1] && strcmp(*k, s) == 0)
			return 1;
	return 0;
}

/* "@" followed by one or more ALPHA (§4.2 step 5, "has the form of a keyword"). */
int jl_keyword_form(const char *s)
{
	if (!s || s[0] != '@' || !s[1])
		return 0;
	for (s++; *s; s++)
		if (!isalpha((unsigned char)*s))
			return 0;
	return 1;
}

static int is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

static int is_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

size_t jl_scheme_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	if (!is_alpha(u[0]))
		return 0;
	for (i = 1; is_alpha(u[i]) || is_digit(u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'; i++)
		;
	return u[i] == ':' ? i : 0;
}

/* Characters RFC 3987 excludes from an IRI: controls, space, backslash
 * and <>"{}|^` */
static const unsigned char iri_bad_tab[256] = {
	[0 ... 0x20] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['{'] = 1, ['}'] = 1,
	['|'] = 1, ['^'] = 1, ['`'] = 1, ['\\'] = 1,
};

/* A well-formed absolute IRI: scheme ":" and none of the characters
 * RFC 3987 excludes (jsonld.js checks only whitespace; the W3C suite's
 * tests tli12 and twf* want the others dropped too). */
int jl_is_abs_iri(const char *s)
{
	return jl_abs_iri_len(s) != 0;
}

/* The same test, returning strlen(s) for a well-formed absolute IRI and
 * 0 otherwise: the bytes are tested eight at a time, without a branch
 * for each. */
size_t jl_abs_iri_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned bad = 0;
	size_t n, i;

	if (!s || !jl_scheme_len(s))
		return 0;
	n = strlen(s);
	for (i = 0; i + 8 <= n; i += 8)
		bad |= iri_bad_tab[u[i]] | iri_bad_tab[u[i + 1]] | iri_bad_tab[u[i + 2]] |
		       iri_bad_tab[u[i + 3]] | iri_bad_tab[u[i + 4]] | iri_bad_tab[u[i + 5]] |
		       iri_bad_tab[u[i + 6]] | iri_bad_tab[u[i + 7]];
	for (; i < n; i++)
		bad |= iri_bad_tab[u[i]];
	return bad ? 0 : n;
}

int jl_is_gen_delim(char c)
{
	return c && strchr(":/?#[]@", c) != NULL;
}

/* RFC 3986 5.2.4, in place (the output never overtakes the input). */
static void remove_dots(char *path)
{
	char *in = path, *out = path;

	while (*in) {
		if (strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (strcmp(in, "/.") == 0) {
			in[1] = '\0';
		} else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			if (in[3] == '/') {
				in += 3;
			} else {
				in += 2;
				*in = '/';
			}
			while (out > path && *--out != '/')
				;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0) {
			in += strlen(in);
		} else {
			do
				*out++ = *in++;
			while (*in && *in != '/');
		}
	}
	*out = '\0';
}

struct iri_parts {
	const char *scheme, *auth, *path, *query, *frag;
	size_t scheme_n, auth_n, path_n, query_n, frag_n;
	int has_auth, has_query, has_frag;
};

static void iri_split(const char *s, struct iri_parts *p)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	if ((n = jl_scheme_len(s)) != 0) {
		p->scheme = s;
		p->scheme_n = n;
		s += n + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		p->has_auth = 1;
		p->auth = s;
		p->auth_n = strcspn(s, "/?#");
		s += p->auth_n;
	}
	p->path = s;
	p->path_n = strcspn(s, "?#");
	s += p->path_n;
	if (*s == '?') {
		p->has_query = 1;
		p->query = ++s;
		p->query_n = strcspn(s, "#");
		s += p->query_n;
	}
	if (*s == '#') {
		p->has_frag = 1;
		p->frag = s + 1;
		p->frag_n = strlen(s + 1);
	}
}

/* Resolves ref against base (RFC 3986 5.2.2); a new string or NULL. */
char *jl_iri_resolve(const char *base, const char *ref)
{
	struct iri_parts b, r;
	ob_buf out = OB_BUF_INIT, path = OB_BUF_INIT;
	char *res;

	if (!base)
		return strdup(ref);
	iri_split(base, &b);
	iri_split(ref, &r);
	if (r.scheme) {
		ob_buf_add(&out, r.scheme, r.scheme_n + 1);
		if (r.has_auth) {
			ob_buf_adds(&out, "//");
			ob_buf_add(&out, r.auth, r.auth_n);
		}
		ob_buf_add(&path, r.path, r.path_n);
	} else {
		ob_buf_add(&out, b.scheme, b.scheme ? b.scheme_n + 1 : 0);
		if (r.has_auth) {
			ob_buf_adds(&out, "//");
			ob_buf_add(&out, r.auth, r.auth_n);
			ob_buf_add(&path, r.path, r.path_n);
		} else {
			if (b.has_auth) {
				ob_buf_adds(&out, "//");
				ob_buf_add(&out, b.auth, b.auth_n);
			}
			if (r.path_n == 0) {
				ob_buf_add(&path, b.path, b.path_n);
				if (!r.has_query && b.has_query) {
					r.has_query = 1;
					r.query = b.query;
					r.query_n = b.query_n;
				}
			} else if (r.path[0] == '/') {
				ob_buf_add(&path, r.path, r.path_n);
			} else {
				/* RFC 3986 5.2.3 merge */
				const char *slash = NULL, *q;

				for (q = b.path; q < b.path + b.path_n; q++)
					if (*q == '/')
						slash = q;
				if (b.has_auth && b.path_n == 0)
					ob_buf_addc(&path, '/');
				else if (slash)
					ob_buf_add(&path, b.path, (size_t)(slash - b.path) + 1);
				ob_buf_add(&path, r.path, r.path_n);
			}
		}
	}
	ob_buf_addc(&path, '\0');
	if (path.oom) {
		ob_buf_release(&out);
		ob_buf_release(&path);
		return NULL;
	}
	/* 5.2.2: a reference without a path keeps the base path as it is */
	if (r.scheme || r.has_auth || r.path_n)
		remove_dots(path.data);
	ob_buf_adds(&out, path.data);
	if (r.has_query) {
		ob_buf_addc(&out, '?');
		ob_buf_add(&out, r.query, r.query_n);
	}
	if (r.has_frag) {
		ob_buf_addc(&out, '#');
		ob_buf_add(&out, r.frag, r.frag_n);
	}
	ob_buf_release(&path);
	if (out.oom) {
		ob_buf_release(&out);
		return NULL;
	}
	res = ob_buf_detach(&out, NULL);
	return res;
}

/* §4.3 IRI Expansion. *out gets a new string, or NULL when value maps to
 * null (an explicitly null term, or a keyword-like string). local and
 * defined are given during context processing only. */
ob_code jl_expand_iri(struct st *s, ctx **active, const char *value, int doc_rel,
		      int vocab, const json_t *local, json_t *defined, char **out)
{
	const json_t *def, *d;
	const char *colon, *iri;
	ob_code rc;

	*out = NULL;
	if (jl_is_keyword(value))
		goto same;
	if (jl_keyword_form(value))
		return OB_OK;
	/* step 3 */
	if (local && json_object_get(local, value) &&
	    !json_is_true(json_object_get(defined, value))) {
		rc = jl_create_term(s, active, local, value, defined, s->ctx_base_url, s->ctx_protected,
				 s->ctx_override, s->ctx_remote);
		if (rc)
			return rc;
	}
	def = term_def(*active, value);
	if (def) {
		/* step 4/5 */
		iri = def_str(def, "@id");
		if (iri && jl_is_keyword(iri)) {
			*out = strdup(iri);
			return *out ? OB_OK : jl_nomem(s);
		}
		if (vocab) {
			if (!iri)
				return OB_OK;
			*out = strdup(iri);
			return *out ? OB_OK : jl_nomem(s);
		}
	}
	/* step 6: compact IRI or absolute IRI */
	colon = value[0] ? strchr(value + 1, ':') : NULL;
	if (colon) {
		size_t plen = (size_t)(colon - value);
		char pbuf[64];
		char *prefix = plen < sizeof(pbuf) ? memcpy(pbuf, value, plen) : strndup(value, plen);

		if (!prefix)
			return jl_nomem(s);
		if (prefix == pbuf)
			pbuf[plen] = '\0';
		if (strcmp(prefix, "_") == 0 || strncmp(colon + 1, "//", 2) == 0) {
			if (prefix != pbuf)
				free(prefix);
			goto same;
		}
		if (local && json_object_get(local, prefix) &&
		    !json_is_true(json_object_get(defined, prefix))) {
			rc = jl_create_term(s, active, local, prefix, defined, s->ctx_base_url,
					 s->ctx_protected, s->ctx_override, s->ctx_remote);
			if (rc) {
				if (prefix != pbuf)
					free(prefix);
				return rc;
			}
		}
		d = term_def(*active, prefix);
		if (prefix != pbuf)
			free(prefix);
		if (d && def_str(d, "@id") && json_is_true(json_object_get(d, "prefix"))) {
			ob_buf b = OB_BUF_INIT;

			ob_buf_adds(&b, def_str(d, "@id"));
			ob_buf_adds(&b, colon + 1);
			if (b.oom) {
				ob_buf_release(&b);
				return jl_nomem(s);
			}
			*out = ob_buf_detach(&b, NULL);
			return OB_OK;
		}
		if (jl_scheme_len(value))
			goto same;
	}
	/* step 7 */
	if (vocab && (*active)->vocab) {
		ob_buf b = OB_BUF_INIT;

		ob_buf_adds(&b, (*active)->vocab);
		ob_buf_adds(&b, value);
		if (b.oom) {
			ob_buf_release(&b);
			return jl_nomem(s);
		}
		*out = ob_buf_detach(&b, NULL);
		return OB_OK;
	}
	/* step 8 */
	if (doc_rel && (*active)->base) {
		*out = jl_iri_resolve((*active)->base, value);
		return *out ? OB_OK : jl_nomem(s);
	}
same:
	*out = strdup(value);
	return *out ? OB_OK : jl_nomem(s);
}

/* A key's expanded IRI, or NULL; *out owned by the caller. */
ob_code jl_key_iri(struct st *s, ctx *active, const char *key, char **out)
{
	return jl_expand_iri(s, &active, key, 0, 1, NULL, NULL, out);
}

/* IRI expansion with vocab (a key, or with doc_rel a @type value), the
 * result borrowed: *out points into active's memo (cached contexts never
 * change, so a string always expands alike) or into *own, which the
 * caller frees. *m: the memo entry, or NULL. */
static ob_code vocab_lookup(struct st *s, ctx *active, const char *key, int doc_rel,
			    const char **out, char **own, struct ment **m)
{
	struct memo **memo = doc_rel ? &active->tmemo : &active->memo;
	uint32_t h = 0;
	size_t klen = 0;
	ob_code rc;

	*own = NULL;
	*m = NULL;
	if (active->cached) {
		h = jl_str_hash(key, &klen);
		/* the entries are this thread's processor's: filling in an
		 * entry's di later is no race */
		if ((*m = (struct ment *)jl_memo_get(*memo, key, h, klen)) != NULL) {
			*out = (*m)->iri;
			return OB_OK;
		}
	}
	if ((rc = jl_expand_iri(s, &active, key, doc_rel, 1, NULL, NULL, own)))
		return rc;
	*out = *own;
	/* failing to remember is harmless */
	if (active->cached && (*m = (struct ment *)jl_memo_put(memo, key, h, klen, *own)))
		*own = NULL;
	return OB_OK;
}

/* abs (may be NULL): whether *out is an absolute IRI. */
ob_code jl_vocab_iri_ref(struct st *s, ctx *active, const char *key, int doc_rel,
			 const char **out, char **own, int *abs)
{
	struct ment *m;
	ob_code rc = vocab_lookup(s, active, key, doc_rel, out, own, &m);

	if (!rc && abs)
		*abs = m ? m->abs : *out && jl_is_abs_iri(*out);
	return rc;
}

/* The same; *js (when not NULL) is *out as a jansson string borrowed
 * from active's memo (jl_ment_js), NULL when *out is not remembered. */
ob_code jl_vocab_iri_js(struct st *s, ctx *active, const char *key, int doc_rel,
			const char **out, char **own, int *abs, json_t **js)
{
	struct ment *m;
	ob_code rc = vocab_lookup(s, active, key, doc_rel, out, own, &m);

	*js = NULL;
	if (!rc && abs)
		*abs = m ? m->abs : *out && jl_is_abs_iri(*out);
	if (!rc && m)
		*js = jl_ment_js(m);
	return rc;
}

/* A key's IRI (as jl_key_iri_ref) and what expansion reads from its
 * definition in active: *d points into active's memo, or at buf. */
ob_code jl_key_info(struct st *s, ctx *active, const char *key, const char **out, char **own,
		    const struct dinfo **d, struct dinfo *buf)
{
	struct ment *m;
	ob_code rc = vocab_lookup(s, active, key, 0, out, own, &m);

	if (rc)
		return rc;
	if (m && !m->di && (m->di = malloc(sizeof(*m->di))) != NULL)
		jl_dinfo_of(term_def(active, key), m->di);
	if (m && m->di) {
		*d = m->di;
	} else {
		jl_dinfo_of(term_def(active, key), buf);
		*d = buf;
	}
	return OB_OK;
}

ob_code jl_key_iri_ref(struct st *s, ctx *active, const char *key, const char **out,
		       char **own)
{
	struct ment *m;

	return vocab_lookup(s, active, key, 0, out, own, &m);
}
