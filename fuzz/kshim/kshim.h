/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel interfaces that ip_vs_kaff_maglev.c,
 * ip_vs_kaff_bind.c and ip_vs_sip_bind.c use, so that libFuzzer
 * (fuzz/sip_bind_fuzz.c) can drive the unchanged kernel sources.
 * Single-threaded: RCU, per-CPU data and
 * bottom halves are no-ops; kfree_rcu() and call_rcu() free at once, so
 * AddressSanitizer reports any use of a binding or a binding table after
 * its removal. Locks check that they are taken and released in pairs and
 * that what asserts a lock held holds it. cond_resched() calls a hook the
 * fuzzer sets, so that it can run the packet path in the middle of a
 * binding table resize, where the kernel's preemption would. GFP_ATOMIC
 * allocations and binding table allocations fail on demand (kshim_fail_*).
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef unsigned int gfp_t;

#define __packed	__attribute__((packed))
#define __percpu
#define __rcu
#define __init
#define __exit
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#define barrier()	__asm__ __volatile__("" : : : "memory")

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof((p)->member[0]) * (size_t)(n))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define IS_ENABLED(option)	0
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

#define WARN_ON_ONCE(c)	(!!(c))

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

#define ilog2(n)	(fls((unsigned int)(n)) - 1)

static inline unsigned long gcd(unsigned long a, unsigned long b)
{
	while (b) {
		unsigned long r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/* Time: the fuzzer passes "now" explicitly. */
#define HZ	250
#define jiffies	0UL	/* the fuzzer passes its own clock where it matters */
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)
#define time_after32(a, b)	((s32)((u32)(b) - (u32)(a)) < 0)
/* Wall seconds: only shown (a binding's age), never compared */
#define ktime_get_seconds()	((s64)0)

extern void (*kshim_resched_hook)(void);
static inline void cond_resched(void)
{
	if (kshim_resched_hook)
		kshim_resched_hook();
}

/* Errors in pointers */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE(ptr);
}

static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

/* Atomics (single-threaded) */
typedef struct {
	int counter;
} atomic_t;

#define ATOMIC_INIT(i)	{ (i) }
static inline int atomic_read(const atomic_t *v)
{
	return READ_ONCE(v->counter);
}

static inline void atomic_set(atomic_t *v, int i)
{
	v->counter = i;
}

static inline int atomic_inc_return(atomic_t *v)
{
	return ++v->counter;
}

static inline void atomic_inc(atomic_t *v)
{
	v->counter++;
}

static inline void atomic_dec(atomic_t *v)
{
	v->counter--;
}

static inline int atomic_dec_return(atomic_t *v)
{
	return --v->counter;
}

/* Per-CPU data: one CPU */
#define this_cpu_inc(x)		((x)++)
#define this_cpu_add(x, n)	((x) += (n))
#define this_cpu_ptr(p)		(p)
#define per_cpu_ptr(p, cpu)	((void)(cpu), (p))
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < 1; (cpu)++)

/* Allocation, with failures on demand */
#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u

extern unsigned int kshim_fail_atomic;	/* fail this many GFP_ATOMIC allocs */
extern unsigned int kshim_fail_table;	/* fail this many kvcalloc()s */

static inline void *kmalloc(size_t n, gfp_t gfp)
{
	if (gfp == GFP_ATOMIC && kshim_fail_atomic) {
		kshim_fail_atomic--;
		return NULL;
	}
	return malloc(n ? n : 1);
}

static inline void *kzalloc(size_t n, gfp_t gfp)
{
	void *p = kmalloc(n, gfp);

	if (p)
		memset(p, 0, n);
	return p;
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kzalloc(n * size, gfp);
}

#define kvzalloc(n, gfp)	kzalloc(n, gfp)
#define __GFP_NOWARN	0u
static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (kshim_fail_table) {
		kshim_fail_table--;
		return NULL;
	}
	return kcalloc(n, size, gfp);
}
/* Slab caches: malloc of the cache's size */
struct kmem_cache {
	size_t size;
};

static inline struct kmem_cache *kmem_cache_create(const char *name,
						   unsigned int size,
						   unsigned int align,
						   unsigned long flags,
						   void (*ctor)(void *))
{
	struct kmem_cache *c = malloc(sizeof(*c));

	(void)name;
	(void)align;
	(void)flags;
	(void)ctor;
	if (c)
		c->size = size;
	return c;
}

static inline void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	return kmalloc(c->size, gfp);
}

#define kmem_cache_free(c, p)	((void)(c), free(p))
#define kmem_cache_destroy(c)	free(c)
#define kfree(p)		free((void *)(p))
#define kvfree(p)		free((void *)(p))
#define kfree_rcu(p, field)	free(p)

/* Bitmaps */
#define BITS_PER_LONG	(8 * sizeof(long))
static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t gfp)
{
	return kcalloc((nbits + BITS_PER_LONG - 1) / BITS_PER_LONG,
		       sizeof(long), gfp);
}

static inline void bitmap_free(unsigned long *b)
{
	free(b);
}

static inline bool test_bit(unsigned int nr, const unsigned long *b)
{
	return b[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG) & 1;
}

static inline void __set_bit(unsigned int nr, unsigned long *b)
{
	b[nr / BITS_PER_LONG] |= 1ul << (nr % BITS_PER_LONG);
}

static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	(void)swap;
	if (num)
		qsort(base, num, size, cmp);
}

/* Lists */
struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)	struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_add_tail(n, h->next);
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = NULL;
	n->prev = NULL;
}

#define list_entry(p, type, member)	container_of(p, type, member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_entry((head)->next, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_entry(pos->member.next, typeof(*pos), member))

/* RCU: single-threaded, no readers to wait for */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define rcu_read_lock()		do { } while (0)
#define rcu_read_unlock()	do { } while (0)
#define rcu_dereference(p)	(p)
#define rcu_dereference_protected(p, c)	((c) ? (p) : (abort(), (p)))
#define rcu_access_pointer(p)	(p)
#define RCU_INIT_POINTER(p, v)	((p) = (v))
#define rcu_assign_pointer(p, v)	((p) = (v))
#define call_rcu(head, fn)	(fn)(head)

/* Locks: single-threaded, checked for pairing */
typedef struct {
	int locked;
} spinlock_t;

struct mutex {
	int locked;
};

#define spin_lock_init(l)	((l)->locked = 0)
#define mutex_init(l)		((l)->locked = 0)
static inline void kshim_lock(int *locked)
{
	if (*locked)
		abort();
	*locked = 1;
}

static inline void kshim_unlock(int *locked)
{
	if (!*locked)
		abort();
	*locked = 0;
}

#define spin_lock_bh(l)		kshim_lock(&(l)->locked)
#define spin_unlock_bh(l)	kshim_unlock(&(l)->locked)
#define mutex_lock(l)		kshim_lock(&(l)->locked)
#define mutex_unlock(l)		kshim_unlock(&(l)->locked)
#define lockdep_is_held(l)	((l)->locked)
#define lockdep_assert_held(l)	do { if (!(l)->locked) abort(); } while (0)

static inline bool test_and_set_bit(unsigned int nr, unsigned long *b)
{
	bool old = *b >> nr & 1;

	*b |= 1UL << nr;
	return old;
}

static inline void clear_bit(unsigned int nr, unsigned long *b)
{
	*b &= ~(1UL << nr);
}

static inline u32 get_random_u32(void)
{
	return 0x9e3779b9u;
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

#define DIV_ROUND_UP_ULL(n, d)	(((n) + (d) - 1) / (d))

/*
 * Work items are never run here: the fuzzer calls the GC itself, and runs
 * the binding table resizes it was asked for (ip_vs_kaff_svc_kick_resize(),
 * which it defines).
 */
struct work_struct {
	void (*fn)(struct work_struct *work);
};

#define INIT_WORK(w, f)		((w)->fn = (f))
#define cancel_work_sync(w)	((void)(w))

struct delayed_work {
	struct work_struct work;
};

struct rcu_work {
	struct work_struct work;
};

/* SipHash-2-4, as lib/siphash.c computes it. */
typedef struct {
	u64 key[2];
} siphash_key_t;

#define SIP_ROTL(x, b)	(u64)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3)					\
	do {								\
		v0 += v1; v1 = SIP_ROTL(v1, 13); v1 ^= v0;		\
		v0 = SIP_ROTL(v0, 32);					\
		v2 += v3; v3 = SIP_ROTL(v3, 16); v3 ^= v2;		\
		v0 += v3; v3 = SIP_ROTL(v3, 21); v3 ^= v0;		\
		v2 += v1; v1 = SIP_ROTL(v1, 17); v1 ^= v2;		\
		v2 = SIP_ROTL(v2, 32);					\
	} while (0)

static inline u64 kshim_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline u64 siphash(const void *data, size_t len,
			  const siphash_key_t *key)
{
	const u8 *in = data;
	u64 v0 = 0x736f6d6570736575ULL ^ key->key[0];
	u64 v1 = 0x646f72616e646f6dULL ^ key->key[1];
	u64 v2 = 0x6c7967656e657261ULL ^ key->key[0];
	u64 v3 = 0x7465646279746573ULL ^ key->key[1];
	u64 b = (u64)len << 56, m;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = kshim_le64(in + i);
		v3 ^= m;
		SIP_ROUND(v0, v1, v2, v3);
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	while (left--)
		b |= (u64)in[i + left] << (8 * left);
	v3 ^= b;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	return (v0 ^ v1) ^ (v2 ^ v3);
}

static inline u64 siphash_2u64(u64 a, u64 b, const siphash_key_t *key)
{
	u8 buf[16];
	int i;

	for (i = 0; i < 8; i++) {
		buf[i] = (u8)(a >> (8 * i));
		buf[8 + i] = (u8)(b >> (8 * i));
	}
	return siphash(buf, sizeof(buf), key);
}

/* A weak hash on purpose: collisions exercise the chains. */
static inline u32 jhash(const void *key, u32 len, u32 seed)
{
	const u8 *p = key;
	u32 h = 2166136261u ^ seed;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Weak on purpose too: 65536 values, so that the bindings' chains form. */
static inline u32 jhash_2words(u32 a, u32 b, u32 seed)
{
	return (a ^ b ^ seed) & 0xffff;
}

/* Single-threaded: compare and exchange, fences are compiler barriers. */
#define cmpxchg(ptr, o, n) ({					\
	typeof(*(ptr)) __kshim_cur = *(ptr);			\
	if (__kshim_cur == (o))					\
		*(ptr) = (n);					\
	__kshim_cur;						\
})
#define smp_mb()	barrier()

#include "kshim_ipvs.h"

#endif /* KSHIM_H */
