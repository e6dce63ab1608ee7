#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "issuer.h"
#include "vc/issue.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "vc/ob3.h"

/* Catalog ids are short names ("welding-101"); the Achievement's own id is
 * a URL under the issuer's site unless the given id is already a URI. */
static int valid_id(const char *id)
{
	const char *p;

	if (!*id || strlen(id) > 200)
		return 0;
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("-_.:/~", *p)))
			return 0;
	return 1;
}

/* NAME|URL[|FRAMEWORK[|CODE]] */
static json_t *parse_alignment(const char *spec)
{
	char *s = strdup(spec), *f[4] = { NULL }, *p, *save = NULL;
	json_t *a = NULL;
	int n = 0;

	if (!s)
		return NULL;
	for (p = strtok_r(s, "|", &save); p && n < 4; p = strtok_r(NULL, "|", &save))
		f[n++] = p;
	if (n >= 2 && !p && (!strncmp(f[1], "http://", 7) || !strncmp(f[1], "https://", 8))) {
		a = json_pack("{s:[s], s:s, s:s}", "type", "Alignment", "targetName", f[0], "targetUrl", f[1]);
		if (a && f[2])
			json_object_set_new(a, "targetFramework", json_string(f[2]));
		if (a && f[3])
			json_object_set_new(a, "targetCode", json_string(f[3]));
	}
	free(s);
	return a;
}

/* Related entries for the catalog ids (or achievement URIs) in rel: the
 * same achievement in another language or version (OB 3.0 Related). */
static ob_code add_related(issuer_state *st, json_t *ach, const char *const *rel, size_t n, ob_error *err)
{
	json_t *arr, *o, *other;
	char *text = NULL;
	size_t i;

	if (!n)
		return OB_OK;
	if (!(arr = json_array()) || json_object_set_new(ach, "related", arr))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		other = NULL;
		if (!strchr(rel[i], ':')) {
			if (issuer_db_achievement_get(st->db, rel[i], &text, err))
				return err->code;
			if (!text)
				return ob_fail(err, OB_EUSAGE, "--related '%s': no achievement '%s' in the catalog", rel[i],
					       rel[i]);
			other = ob_json_parse(text, strlen(text), err);
			free(text);
			text = NULL;
			if (!other)
				return err->code;
		}
		o = json_pack("{s:s, s:[s]}", "id", other ? ob_json_str(other, "id") : rel[i], "type", "Related");
		if (o && other && ob_json_str(other, "inLanguage"))
			json_object_set_new(o, "inLanguage", json_string(ob_json_str(other, "inLanguage")));
		if (o && other && ob_json_str(other, "version"))
			json_object_set_new(o, "version", json_string(ob_json_str(other, "version")));
		json_decref(other);
		if (!o || json_array_append_new(arr, o))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

/* The --result-description entries, ids unique. */
static ob_code add_result_descriptions(json_t *ach, const char *aid, const char *const *rds, size_t n,
				       ob_error *err)
{
	json_t *arr, *rd;
	size_t i, k;

	if (!n)
		return OB_OK;
	if (!(arr = json_array()) || json_object_set_new(ach, "resultDescription", arr))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (!(rd = ob3_result_description(rds[i], aid, err)))
			return err->code;
		for (k = 0; k < i; k++)
			if (!strcmp(ob_json_str(json_array_get(arr, k), "id"), ob_json_str(rd, "id"))) {
				json_decref(rd);
				return ob_fail(err, OB_EUSAGE, "result description '%.60s' appears twice", rds[i]);
			}
		if (json_array_append_new(arr, rd))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

/* achievement add's table (cli/opts.h), its subcommand word as the lead,
 * so "achievement add --help" says what each option does; main.c keeps
 * achievement's literal synopsis with list and show. */
static const struct ob_cmd_opt achievement_add_opts[] = {
	{ "id", 0, "ID", "the achievement's id in the catalog (letters, digits, - _ . : / ~)", 'i', OB_OPT_REQUIRED },
	{ "name", 0, "NAME", "its name", 'n', OB_OPT_REQUIRED },
	{ "description", 0, "TEXT", "what it is", 'd', OB_OPT_REQUIRED },
	{ "criteria", 0, "TEXT", "what earns it", 'c', OB_OPT_REQUIRED },
	{ "image", 0, "URL", "its image: an https URL or a data:image/... URI", 'm', 0 },
	{ "type", 0, "TYPE", "an OB 3.0 achievement type or ext:NAME (default Badge)", 't', 0 },
	{ "alignment", 0, "NAME|URL[|FRAMEWORK[|CODE]]", "a competency it aligns to", 'a', OB_OPT_REPEAT },
	{ "result-description", 0, "ID|NAME|TYPE[|VALUES[|REQUIRED]]", "a result it is assessed by", 'r',
	  OB_OPT_REPEAT },
	{ "language", 0, "LANG", "its language (inLanguage), e.g. en or pt-BR", 'l', 0 },
	{ "related", 0, "ID|URI", "the same achievement in another language", 'R', OB_OPT_REPEAT },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_spec achievement_add_spec = {
	"achievement", cmd_achievement, "add", achievement_add_opts, NULL, "Adds an achievement to the catalog.", NULL,
};

static int add(issuer_state *st, int argc, char **argv)
{
	const char *id = NULL, *name = NULL, *desc = NULL, *crit = NULL, *image = NULL, *type = "Badge";
	json_t *ach = NULL, *aligns = json_array();
	ob_error err = { 0 };
	char *text = NULL, *aid = NULL, now[32];
	const char *url, *lang = NULL, *rds[OB3_MAX_RESULT_DESCRIPTIONS + 1], *rel[16];
	size_t nrd = 0, nrel = 0;
	int c, rc = 0, dup;

	optind = 1;
	while ((c = ob_cmd_getopt(&achievement_add_spec, argc, argv)) != -1) {
		switch (c) {
		case 'i': id = optarg; break;
		case 'n': name = optarg; break;
		case 'd': desc = optarg; break;
		case 'c': crit = optarg; break;
		case 'm': image = optarg; break;
		case 't': type = optarg; break;
		case 'r':
			if (nrd > OB3_MAX_RESULT_DESCRIPTIONS) {
				json_decref(aligns);
				return ob_cli_usage(ob_cli_current(), "more than %d --result-description",
						    OB3_MAX_RESULT_DESCRIPTIONS);
			}
			rds[nrd++] = optarg;
			break;
		case 'l': lang = optarg; break;
		case 'R':
			if (nrel >= sizeof(rel) / sizeof(*rel)) {
				json_decref(aligns);
				return ob_cli_usage(ob_cli_current(), "more than %zu --related", sizeof(rel) / sizeof(*rel));
			}
			rel[nrel++] = optarg;
			break;
		case 'a': {
			json_t *a = parse_alignment(optarg);
			if (!a) {
				json_decref(aligns);
				return ob_cli_usage(ob_cli_current(), "--alignment wants NAME|URL[|FRAMEWORK[|CODE]], got '%s'", optarg);
			}
			json_array_append_new(aligns, a);
			break;
		}
		case OB_OPT_HELP: json_decref(aligns); return ob_cli_help();
		default: json_decref(aligns); return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (!id || !name || !desc || !crit || optind != argc) {
		json_decref(aligns);
		return ob_cli_usage(ob_cli_current(), "achievement add needs --id, --name, --description and --criteria");
	}
	if (image && !issuer_image_url_ok(image)) {
		json_decref(aligns);
		return ob_cli_usage(ob_cli_current(), "--image must be an https URL or a data:image/... URI");
	}
	if (!ob_issue_achievement_type_ok(type)) {
		json_decref(aligns);
		return ob_cli_usage(ob_cli_current(), "unknown achievement type '%s' (an OB 3.0 type such as Badge, "
				    "Certificate, Course, MicroCredential, or ext:NAME)", type);
	}
	if (!valid_id(id)) {
		json_decref(aligns);
		return ob_cli_usage(ob_cli_current(), "invalid achievement id '%s' (letters, digits, - _ . : / ~)", id);
	}
	if (lang && !ob3_language_ok(lang)) {
		json_decref(aligns);
		return ob_cli_errorf(2, "--language wants a language code such as en, es, pt-BR or zh-Hant-TW, "
				     "got '%s'", lang);
	}
	url = ob_json_str(st->profile, "url");
	if (strchr(id, ':'))
		aid = strdup(id);
	else if ((aid = malloc(strlen(url) + strlen(id) + 16)))
		sprintf(aid, "%s%sachievements/%s", url, url[strlen(url) - 1] == '/' ? "" : "/", id);
	ach = json_pack("{s:s?, s:[s], s:s, s:s, s:s, s:{s:s}}", "id", aid, "type", "Achievement",
			"achievementType", type, "name", name, "description", desc, "criteria", "narrative", crit);
	if (!ach || !aid) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (image)
		json_object_set_new(ach, "image", json_pack("{s:s, s:s}", "id", image, "type", "Image"));
	if (json_array_size(aligns))
		json_object_set(ach, "alignment", aligns);
	if (lang)
		json_object_set_new(ach, "inLanguage", json_string(lang));
	if (add_result_descriptions(ach, aid, rds, nrd, &err) || add_related(st, ach, rel, nrel, &err))
		goto fail;
	if (!(text = ob_json_dumps(ach, OB_JSON_COMPACT))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	ob_date_format(time(NULL), now);
	if (issuer_db_achievement_add(st->db, id, text, now, &dup, &err))
		goto fail;
	if (dup) {
		ob_fail(&err, OB_EINVALID, "achievement '%s' already exists", id);
		goto fail;
	}
	printf("%s\n", id);
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	json_decref(ach);
	json_decref(aligns);
	free(text);
	free(aid);
	return rc;
}

struct listing {
	json_t *all; /* --json: the entries; else NULL, one line each */
};

static ob_code list_one(const char *id, const char *text, size_t len, void *ctx, ob_error *err)
{
	struct listing *l = ctx;
	json_t *a = ob_json_parse(text, len, err);

	if (!a)
		return err->code;
	if (l->all) {
		json_object_set_new(a, "catalogId", json_string(id));
		json_array_append(l->all, a);
	} else
		printf("%-24s %s\n", id, ob_json_str(a, "name"));
	json_decref(a);
	return OB_OK;
}

static int list(issuer_state *st, int json_out)
{
	struct listing l = { json_out ? json_array() : NULL };
	ob_error err = { 0 };
	int rc = 0;

	if (json_out && !l.all) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		return ob_cli_fail(&err);
	}
	if (issuer_db_achievements_each(st->db, list_one, &l, &err))
		rc = ob_cli_fail(&err);
	else if (json_out) {
		char *s = ob_json_dumps(l.all, OB_JSON_PRETTY);
		if (s)
			printf("%s\n", s);
		free(s);
	}
	json_decref(l.all);
	return rc;
}

static int show(issuer_state *st, const char *id)
{
	ob_error err = { 0 };
	char *text = NULL;
	int rc = 0;

	if (issuer_db_achievement_get(st->db, id, &text, &err)) {
		rc = ob_cli_fail(&err);
	} else if (!text) {
		rc = ob_cli_errorf(1, "no achievement '%s' in the catalog", id);
	} else {
		json_t *a = ob_json_parse(text, strlen(text), &err);
		char *s = a ? ob_json_dumps(a, OB_JSON_PRETTY) : NULL;
		if (s)
			printf("%s\n", s);
		else
			rc = ob_cli_fail(&err);
		free(s);
		json_decref(a);
	}
	free(text);
	return rc;
}

int cmd_achievement(int argc, char **argv)
{
	issuer_state st;
	ob_error err = { 0 };
	int i, rc;

	if (argc < 2)
		return ob_cli_usage(ob_cli_current(), "achievement needs add, list or show");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return ob_cli_help();
	if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "show"))
		return ob_cli_usage(ob_cli_current(), "unknown achievement command '%s'", argv[1]);
	if (!strcmp(argv[1], "show") && argc != 3)
		return ob_cli_usage(ob_cli_current(), "achievement show needs one ID");
	if (!strcmp(argv[1], "list") && !(argc == 2 || (argc == 3 && !strcmp(argv[2], "--json"))))
		return ob_cli_usage(ob_cli_current(), "achievement list takes only --json");
	/* add --help: its table, before any issuer is opened */
	for (i = 2; !strcmp(argv[1], "add") && i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return add(NULL, argc - 1, argv + 1);
	if (issuer_open(&st, 0, &err))
		return ob_cli_fail(&err);
	if (!strcmp(argv[1], "add"))
		rc = add(&st, argc - 1, argv + 1);
	else if (!strcmp(argv[1], "list"))
		rc = list(&st, argc == 3);
	else
		rc = show(&st, argv[2]);
	issuer_close(&st);
	return rc;
}
