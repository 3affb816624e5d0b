/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A single-threaded stand-in for <linux/rhashtable.h>: chained buckets,
 * grown on insert, never shrunk (so that a walk survives removals).
 */
#ifndef KSHIM_RHT_H
#define KSHIM_RHT_H

struct rhash_head {
	struct rhash_head *next;
};

struct rhashtable_compare_arg {
	struct rhashtable *ht;
	const void *key;
};

typedef u32 (*rht_hashfn_t)(const void *data, u32 len, u32 seed);
typedef u32 (*rht_obj_hashfn_t)(const void *data, u32 len, u32 seed);
typedef int (*rht_obj_cmpfn_t)(struct rhashtable_compare_arg *arg,
			       const void *obj);

struct rhashtable_params {
	u16 nelem_hint;
	u16 key_len;
	u16 key_offset;
	u16 head_offset;
	unsigned int max_size;
	u16 min_size;
	bool automatic_shrinking;
	rht_hashfn_t hashfn;
	rht_obj_hashfn_t obj_hashfn;
	rht_obj_cmpfn_t obj_cmpfn;
};

struct rhashtable {
	struct rhash_head **buckets;
	unsigned int size;
	unsigned int nelems;
	u32 seed;
	struct rhashtable_params p;
};

struct rhashtable_iter {
	struct rhashtable *ht;
	unsigned int bucket;
	struct rhash_head *cur;		/* last returned */
	struct rhash_head *next;
};

static inline void *kshim_rht_obj(const struct rhashtable *ht,
				  struct rhash_head *he)
{
	return (char *)he - ht->p.head_offset;
}

static inline int rhashtable_init(struct rhashtable *ht,
				  const struct rhashtable_params *p)
{
	memset(ht, 0, sizeof(*ht));
	ht->p = *p;
	ht->size = 4;
	ht->seed = 0x5eed;
	ht->buckets = calloc(ht->size, sizeof(*ht->buckets));
	return ht->buckets ? 0 : -ENOMEM;
}

static inline u32 kshim_rht_obj_bucket(const struct rhashtable *ht,
				       const void *obj)
{
	return ht->p.obj_hashfn(obj, ht->p.key_len, ht->seed) % ht->size;
}

static inline void kshim_rht_grow(struct rhashtable *ht)
{
	unsigned int i, nsize = ht->size * 2;
	struct rhash_head **nb = calloc(nsize, sizeof(*nb));
	struct rhash_head *he, *next;

	if (!nb)
		return;
	for (i = 0; i < ht->size; i++) {
		for (he = ht->buckets[i]; he; he = next) {
			u32 h = ht->p.obj_hashfn(kshim_rht_obj(ht, he),
						 ht->p.key_len, ht->seed);

			next = he->next;
			he->next = nb[h % nsize];
			nb[h % nsize] = he;
		}
	}
	free(ht->buckets);
	ht->buckets = nb;
	ht->size = nsize;
}

static inline void *rhashtable_lookup(struct rhashtable *ht, const void *key,
				      const struct rhashtable_params p)
{
	struct rhashtable_compare_arg arg = { .ht = ht, .key = key };
	u32 h = p.hashfn(key, p.key_len, ht->seed) % ht->size;
	struct rhash_head *he;

	for (he = ht->buckets[h]; he; he = he->next)
		if (!p.obj_cmpfn(&arg, kshim_rht_obj(ht, he)))
			return kshim_rht_obj(ht, he);
	return NULL;
}

#define rhashtable_lookup_fast rhashtable_lookup

extern unsigned int kshim_fail_insert;

static inline void *
rhashtable_lookup_get_insert_key(struct rhashtable *ht, const void *key,
				 struct rhash_head *obj,
				 const struct rhashtable_params p)
{
	void *old = rhashtable_lookup(ht, key, p);
	u32 h;

	if (old)
		return old;
	if (kshim_fail_insert) {
		kshim_fail_insert--;
		return ERR_PTR(-E2BIG);
	}
	h = p.hashfn(key, p.key_len, ht->seed);
	/* The object must hash like its key, or lookups would miss it. */
	if (p.obj_hashfn(kshim_rht_obj(ht, obj), p.key_len, ht->seed) != h)
		abort();
	obj->next = ht->buckets[h % ht->size];
	ht->buckets[h % ht->size] = obj;
	if (++ht->nelems > ht->size * 3 / 4)
		kshim_rht_grow(ht);
	return NULL;
}

static inline int rhashtable_remove_fast(struct rhashtable *ht,
					 struct rhash_head *obj,
					 const struct rhashtable_params p)
{
	u32 h = kshim_rht_obj_bucket(ht, kshim_rht_obj(ht, obj));
	struct rhash_head **pp;

	(void)p;
	for (pp = &ht->buckets[h]; *pp; pp = &(*pp)->next) {
		if (*pp == obj) {
			*pp = obj->next;
			ht->nelems--;
			return 0;
		}
	}
	return -ENOENT;
}

static inline void rhashtable_free_and_destroy(struct rhashtable *ht,
					       void (*fn)(void *ptr, void *arg),
					       void *arg)
{
	struct rhash_head *he, *next;
	unsigned int i;

	for (i = 0; i < ht->size; i++) {
		for (he = ht->buckets[i]; he; he = next) {
			next = he->next;
			fn(kshim_rht_obj(ht, he), arg);
		}
	}
	free(ht->buckets);
	ht->buckets = NULL;
	ht->nelems = 0;
}

static inline void rhashtable_walk_enter(struct rhashtable *ht,
					 struct rhashtable_iter *it)
{
	it->ht = ht;
	it->bucket = 0;
	it->cur = NULL;
	it->next = ht->size ? ht->buckets[0] : NULL;
}

static inline void rhashtable_walk_start(struct rhashtable_iter *it)
{
}

static inline void rhashtable_walk_stop(struct rhashtable_iter *it)
{
}

static inline void rhashtable_walk_exit(struct rhashtable_iter *it)
{
}

/* The next object; it may be removed before the following call. */
static inline void *rhashtable_walk_next(struct rhashtable_iter *it)
{
	struct rhash_head *he;

	while (!it->next) {
		if (++it->bucket >= it->ht->size)
			return NULL;
		it->next = it->ht->buckets[it->bucket];
	}
	he = it->next;
	it->next = he->next;
	it->cur = he;
	return kshim_rht_obj(it->ht, he);
}

/*
 * The object last returned, again. (Single-threaded, nothing removes it
 * while the walk is stopped, as the kernel's walk may find.)
 */
static inline void *rhashtable_walk_peek(struct rhashtable_iter *it)
{
	return it->cur ? kshim_rht_obj(it->ht, it->cur) : NULL;
}

#endif /* KSHIM_RHT_H */
