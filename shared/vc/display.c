/* display: the Displayer's fields of a credential (vc/display.h). */
#include "vc/display.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "vc/ob3.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Plain words of a value that may be a string, a language map entry
 * ({"@value"}) or an array of either (the first one). */
static const char *text_of(const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v))
		return text_of(json_array_get(v, 0));
	if (json_is_object(v))
		return ob_json_str(v, "@value");
	return NULL;
}

/* The first of a value that may be an array. */
static const json_t *first(const json_t *v)
{
	return json_is_array(v) ? json_array_get(v, 0) : v;
}

/* An Image is an object with id, or (read leniently) a bare string. */
static const char *image_of(const json_t *v)
{
	v = first(v);
	return json_is_string(v) ? json_string_value(v) : ob_json_str(v, "id");
}

/* A new reference to v as an array (a single object in one), or NULL
 * when there is none. */
static json_t *as_array(const json_t *v)
{
	json_t *a;

	if (json_is_array(v))
		return json_array_size(v) ? json_incref((json_t *)v) : NULL;
	if (!json_is_object(v) && !json_is_string(v))
		return NULL;
	if ((a = json_array()) && json_array_append(a, (json_t *)v)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

ob_display *ob_display_new(const json_t *cred)
{
	ob_display *d = calloc(1, sizeof(*d));
	const json_t *subj = ob3_subject(cred);
	const json_t *ach = first(json_object_get(subj, "achievement"));
	const json_t *crit = json_object_get(ach, "criteria");
	const char *img;

	if (!d)
		return NULL;
	d->description = dup_or_null(text_of(json_object_get(ach, "description")));
	if (!d->description)
		d->description = dup_or_null(text_of(json_object_get(cred, "description")));
	img = image_of(json_object_get(ach, "image"));
	if (!img)
		img = image_of(json_object_get(cred, "image"));
	if (!img)
		img = image_of(json_object_get(subj, "image"));
	d->image = dup_or_null(img);
	d->criteria = dup_or_null(text_of(json_object_get(crit, "narrative")));
	d->criteria_url = dup_or_null(ob_json_str(crit, "id"));
	d->awarded = dup_or_null(ob_json_str(cred, "awardedDate"));
	if (ob_json_has_value(json_object_get(cred, "type"), "EndorsementCredential")) {
		d->endorsement = 1;
		d->name = dup_or_null(text_of(json_object_get(cred, "name")));
		d->endorses = dup_or_null(ob_json_str(subj, "id"));
		d->comment = dup_or_null(text_of(json_object_get(subj, "endorsementComment")));
	}
	d->evidence = as_array(json_object_get(cred, "evidence"));
	d->results = as_array(json_object_get(subj, "result"));
	d->alignments = as_array(json_object_get(ach, "alignment"));
	d->result_descriptions = as_array(json_object_get(ach, "resultDescription"));
	return d;
}

ob_display *ob_display_new_ob2(const json_t *assertion, const json_t *badge)
{
	ob_display *d = calloc(1, sizeof(*d));
	const json_t *crit = json_object_get(badge, "criteria");
	const char *img;

	if (!d)
		return NULL;
	d->description = dup_or_null(text_of(json_object_get(badge, "description")));
	img = image_of(json_object_get(badge, "image"));
	if (!img)
		img = image_of(json_object_get(assertion, "image"));
	d->image = dup_or_null(img);
	/* OB 2.0 criteria: an IRI, or a Criteria object (id, narrative) */
	if (json_is_string(crit)) {
		d->criteria_url = dup_or_null(json_string_value(crit));
	} else {
		d->criteria = dup_or_null(text_of(json_object_get(crit, "narrative")));
		d->criteria_url = dup_or_null(ob_json_str(crit, "id"));
	}
	d->evidence = as_array(json_object_get(assertion, "evidence"));
	d->alignments = as_array(json_object_get(badge, "alignment"));
	return d;
}

ob_display *ob_display_new_ob2_endorsement(const json_t *endorsement)
{
	ob_display *d = calloc(1, sizeof(*d));
	const json_t *claim = json_object_get(endorsement, "claim");

	if (!d)
		return NULL;
	d->endorsement = 1;
	d->endorses = dup_or_null(ob_json_str(claim, "id"));
	d->comment = dup_or_null(text_of(json_object_get(claim, "endorsementComment")));
	return d;
}

void ob_display_free(ob_display *d)
{
	size_t i;

	if (!d)
		return;
	free(d->description);
	free(d->image);
	free(d->criteria);
	free(d->criteria_url);
	free(d->awarded);
	free(d->name);
	free(d->endorses);
	free(d->comment);
	json_decref(d->evidence);
	json_decref(d->results);
	json_decref(d->alignments);
	json_decref(d->result_descriptions);
	for (i = 0; i < d->nendorsements; i++)
		ob_report_free(d->endorsements[i]);
	free(d->endorsements);
	free(d->where);
	free(d);
}

const char *ob_endorsed_name(ob_endorsed w)
{
	static const char *const names[] = { "credential", "issuer", "achievement", "achievement creator", "other" };

	return (unsigned)w < sizeof(names) / sizeof(names[0]) ? names[w] : "other";
}

ob_image_show ob_display_image_kind(const char *image)
{
	static const char *const types[] = { "png", "jpeg", "gif", "webp", "svg+xml" };
	size_t i, n;

	if (!image)
		return OB_IMAGE_SHOW_NONE;
	if (!strncasecmp(image, "https://", 8))
		return image[8] ? OB_IMAGE_SHOW_LINK : OB_IMAGE_SHOW_NONE;
	if (strncasecmp(image, "data:image/", 11))
		return OB_IMAGE_SHOW_NONE;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		n = strlen(types[i]);
		/* the media type ends the type: ";" (parameters, base64) or "," */
		if (!strncasecmp(image + 11, types[i], n) && (image[11 + n] == ';' || image[11 + n] == ','))
			return strchr(image, ',') ? OB_IMAGE_SHOW_INLINE : OB_IMAGE_SHOW_NONE;
	}
	return OB_IMAGE_SHOW_NONE;
}

/* Appends the parts that are present, separated by sep. */
static void parts(ob_buf *out, const char *sep, const char *const *v, size_t n)
{
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		if (!v[i] || !*v[i])
			continue;
		if (any)
			ob_buf_adds(out, sep);
		ob_buf_adds(out, v[i]);
		any = 1;
	}
}

int ob_display_evidence(const json_t *ev, ob_buf *out)
{
	const char *v[4];

	if (json_is_string(ev)) {
		ob_buf_adds(out, json_string_value(ev));
		return out->oom ? -1 : 0;
	}
	v[0] = text_of(json_object_get(ev, "name"));
	v[1] = text_of(json_object_get(ev, "narrative"));
	if (!v[1])
		v[1] = text_of(json_object_get(ev, "description"));
	v[2] = text_of(json_object_get(ev, "genre"));
	v[3] = ob_json_str(ev, "id");
	parts(out, " - ", v, 4);
	return out->oom ? -1 : 0;
}

/* The object of list (an array) whose id is id, or NULL. */
static const json_t *by_id(const json_t *list, const char *id)
{
	const json_t *v;
	const char *vid;
	size_t i;

	if (!id)
		return NULL;
	json_array_foreach(list, i, v)
		if ((vid = ob_json_str(v, "id")) && !strcmp(vid, id))
			return v;
	return NULL;
}

int ob_display_result(const ob_display *d, const json_t *res, ob_buf *out)
{
	const json_t *rd = by_id(d->result_descriptions, ob_json_str(res, "resultDescription"));
	const json_t *lvl = by_id(json_object_get(rd, "rubricCriterionLevel"), ob_json_str(res, "achievedLevel"));
	const char *name = text_of(json_object_get(rd, "name"));
	const char *value = text_of(json_object_get(res, "value"));
	const char *status = ob_json_str(res, "status");

	ob_buf_adds(out, name ? name : ob_json_str(res, "resultDescription") ? ob_json_str(res, "resultDescription") :
		    "result");
	ob_buf_adds(out, ":");
	if (value) {
		ob_buf_adds(out, " ");
		ob_buf_adds(out, value);
	}
	if (lvl || ob_json_str(res, "achievedLevel")) {
		ob_buf_adds(out, " level ");
		ob_buf_adds(out, lvl && text_of(json_object_get(lvl, "name")) ? text_of(json_object_get(lvl, "name")) :
			    ob_json_str(res, "achievedLevel"));
	}
	if (status) {
		ob_buf_adds(out, " (");
		ob_buf_adds(out, status);
		ob_buf_adds(out, ")");
	}
	return out->oom ? -1 : 0;
}

int ob_display_alignment(const json_t *al, ob_buf *out)
{
	const char *v[4];

	v[0] = text_of(json_object_get(al, "targetName"));
	v[1] = ob_json_str(al, "targetCode");
	v[2] = text_of(json_object_get(al, "targetFramework"));
	v[3] = ob_json_str(al, "targetUrl");
	parts(out, " - ", v, 4);
	return out->oom ? -1 : 0;
}
