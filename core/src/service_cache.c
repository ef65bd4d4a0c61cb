/*
 * The scores of the bytes the service has seen, by their SHA-256: scoring
 * is a function of the bytes (with the plugins and the configuration the
 * service started with), so a stored version is scored once, when it is
 * uploaded or first shown, and read from here afterwards. An open-addressed
 * table that grows; entries are never evicted (a scored case is a few
 * kilobytes: 10,000 of them fit in tens of megabytes).
 */
#include <stdlib.h>
#include <string.h>

#include "service_impl.h"

typedef struct entry {
	char sha256[AP_STORE_SHA256_SIZE];
	svc_scored v;
} entry;

struct svc_cache {
	entry *slots;
	size_t cap, n;
};

struct svc_cache *svc_cache_new(void)
{
	struct svc_cache *c = ap_xcalloc(1, sizeof(*c));
	c->cap = 256;
	c->slots = ap_xcalloc(c->cap, sizeof(*c->slots));
	return c;
}

static void scored_clear(svc_scored *v)
{
	free(v->json);
	ap_score_row_clear(&v->row);
	ap_diags_free(v->problems);
}

void svc_cache_free(struct svc_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].sha256[0])
			scored_clear(&c->slots[i].v);
	free(c->slots);
	free(c);
}

static size_t hash_of(const char *sha256)
{
	size_t h = 0;
	for (int i = 0; i < 16 && sha256[i]; i++)
		h = h * 16 + (size_t)(sha256[i] % 16);
	return h;
}

static entry *slot_of(struct svc_cache *c, const char *sha256)
{
	size_t i = hash_of(sha256) & (c->cap - 1);
	while (c->slots[i].sha256[0] && strcmp(c->slots[i].sha256, sha256))
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

const svc_scored *svc_cache_get(struct svc_cache *c, const char *sha256)
{
	if (!sha256 || !*sha256)
		return NULL;
	entry *e = slot_of(c, sha256);
	return e->sha256[0] ? &e->v : NULL;
}

static void grow(struct svc_cache *c)
{
	entry *old = c->slots;
	size_t cap = c->cap;
	c->cap *= 2;
	c->slots = ap_xcalloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < cap; i++)
		if (old[i].sha256[0])
			*slot_of(c, old[i].sha256) = old[i];
	free(old);
}

const svc_scored *svc_cache_put(struct svc_cache *c, const char *sha256,
                                ap_pool_result *res)
{
	/* Only what scored: a crash or a time limit may not happen again. */
	if (!res->valid || ap_diags_errors(res->diags) || !sha256 ||
	    strlen(sha256) != AP_STORE_SHA256_SIZE - 1)
		return NULL;
	if ((c->n + 1) * 4 > c->cap * 3)
		grow(c);
	entry *e = slot_of(c, sha256);
	if (e->sha256[0])
		return &e->v;
	memcpy(e->sha256, sha256, AP_STORE_SHA256_SIZE);
	c->n++;
	e->v.valid = res->valid;
	e->v.json = res->json ? ap_xstrdup(res->json) : NULL;
	if (res->row) {
		e->v.row = *res->row; /* moved out */
		memset(res->row, 0, sizeof(*res->row));
	}
	e->v.problems = ap_diags_new();
	ap_diags_move(e->v.problems, res->diags, 0);
	return &e->v;
}
