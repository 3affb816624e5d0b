// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed affinity for IPVS schedulers: the state of one service, its
 * placement tables and its lifetime (ip_vs_kaff.h).
 *
 * A scheduler creates the state in its init_service (or a KUnit test with
 * no service), rebuilds the placement table from its destination
 * callbacks, and destroys the state in done_service. The core keeps the
 * binding table's collector running and frees everything once no packet
 * path reader can see it.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "ip_vs_kaff.h"

/*
 * Serializes building and publishing placement tables (and writing a
 * service's seed): IPVS's destination callbacks, under its service mutex
 * (one per namespace since 7.1, __ip_vs_mutex before), and a new seed over
 * netlink, under the scheduler's own mutex. Innermost lock; tables are
 * rebuilt rarely, one mutex for the services of every namespace and every
 * scheduler is enough.
 */
static DEFINE_MUTEX(ip_vs_kaff_table_mutex);
static struct workqueue_struct *ip_vs_kaff_wq;

#define IP_VS_KAFF_GC_INTERVAL	HZ

static void ip_vs_kaff_gc_work(struct work_struct *work)
{
	struct ip_vs_kaff_svc *s = container_of(to_delayed_work(work),
						struct ip_vs_kaff_svc, gc_work);

	ip_vs_kaff_gc(s, jiffies);
	if (!READ_ONCE(s->dying))
		queue_delayed_work(ip_vs_kaff_wq, &s->gc_work,
				   IP_VS_KAFF_GC_INTERVAL);
}

/*
 * The binding table wants another size (ip_vs_kaff_tab.c): resize it on
 * the workqueue. Any context. Not within a second of a resize that found
 * no memory, nor once the state is dying: a resize queued
 * before is waited for when the state is freed (ip_vs_kaff_tab_destroy()),
 * after every packet-path reader, and so every caller here, is done.
 */
void ip_vs_kaff_svc_kick_resize(struct ip_vs_kaff_svc *s)
{
	if (!READ_ONCE(s->dying) &&
	    !time_before(jiffies, READ_ONCE(s->resize_after)) &&
	    !test_and_set_bit(0, &s->resize_queued))
		queue_work(ip_vs_kaff_wq, &s->resize_work);
}

static void ip_vs_kaff_svc_free(struct ip_vs_kaff_svc *s)
{
	ip_vs_kaff_bindings_destroy(s);
	ip_vs_kaff_table_free(rcu_dereference_protected(s->table, 1));
	free_percpu(s->stats);
	kfree(s);
}

static void ip_vs_kaff_free_work(struct work_struct *work)
{
	ip_vs_kaff_svc_free(container_of(to_rcu_work(work),
					 struct ip_vs_kaff_svc, free_work));
}

/**
 * ip_vs_kaff_svc_create - keyed-affinity state for a service
 * @svc: the IPVS service, or NULL (KUnit)
 * @dests: its destination list
 * @c: its settings
 *
 * Process context. The binding collector runs once ip_vs_kaff_svc_start()
 * is called; KUnit tests collect by hand.
 *
 * Return: the state or an ERR_PTR.
 */
struct ip_vs_kaff_svc *ip_vs_kaff_svc_create(struct ip_vs_service *svc,
					     struct list_head *dests,
					     const struct ip_vs_kaff_conf *c)
{
	struct ip_vs_kaff_table *t;
	struct ip_vs_kaff_svc *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->svc = svc;
	if (svc)
		s->net = svc->ipvs->net;
	s->conf = *c;
	INIT_LIST_HEAD(&s->list);
	INIT_DELAYED_WORK(&s->gc_work, ip_vs_kaff_gc_work);
	INIT_RCU_WORK(&s->free_work, ip_vs_kaff_free_work);

	s->stats = alloc_percpu(struct ip_vs_kaff_stats);
	if (!s->stats) {
		kfree(s);
		return ERR_PTR(-ENOMEM);
	}
	ret = ip_vs_kaff_bindings_init(s);
	if (ret) {
		free_percpu(s->stats);
		kfree(s);
		return ERR_PTR(ret);
	}
	t = ip_vs_kaff_table_build(dests, s->conf.seed);
	if (IS_ERR(t)) {
		ip_vs_kaff_bindings_destroy(s);
		free_percpu(s->stats);
		kfree(s);
		return ERR_CAST(t);
	}
	RCU_INIT_POINTER(s->table, t);
	return s;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_svc_create);

/* Start collecting expired bindings every second. */
void ip_vs_kaff_svc_start(struct ip_vs_kaff_svc *s)
{
	queue_delayed_work(ip_vs_kaff_wq, &s->gc_work, IP_VS_KAFF_GC_INTERVAL);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_svc_start);

/**
 * ip_vs_kaff_svc_destroy - end a service's state
 * @s: the state
 *
 * Drops the state's references on its servers now, and frees the state
 * once no packet-path reader can still see it. The references go before
 * this returns: IPVS unlinks the servers right after done_service and, at
 * netns exit, frees its trash without waiting for our grace period.
 */
void ip_vs_kaff_svc_destroy(struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_table *t;

	WRITE_ONCE(s->dying, true);
	cancel_delayed_work_sync(&s->gc_work);
	mutex_lock(&ip_vs_kaff_table_mutex);
	t = rcu_dereference_protected(s->table,
				      lockdep_is_held(&ip_vs_kaff_table_mutex));
	ip_vs_kaff_table_release(t);
	mutex_unlock(&ip_vs_kaff_table_mutex);
	queue_rcu_work(ip_vs_kaff_wq, &s->free_work);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_svc_destroy);

static void ip_vs_kaff_table_free_rcu(struct rcu_head *head)
{
	ip_vs_kaff_table_free(container_of(head, struct ip_vs_kaff_table, rcu));
}

/*
 * Publish @t. The previous table's references are dropped now (see
 * ip_vs_kaff_maglev.c), its memory after a grace period.
 */
static void ip_vs_kaff_svc_publish(struct ip_vs_kaff_svc *s,
				   struct ip_vs_kaff_table *t)
{
	struct ip_vs_kaff_table *old;

	old = rcu_replace_pointer(s->table, t,
				  lockdep_is_held(&ip_vs_kaff_table_mutex));
	if (old) {
		ip_vs_kaff_table_release(old);
		call_rcu(&old->rcu, ip_vs_kaff_table_free_rcu);
	}
}

/**
 * ip_vs_kaff_svc_update - rebuild the placement table
 * @s: the service's state
 * @dests: its destination list
 *
 * After the server set or a weight changed. IPVS calls the scheduler's
 * destination callbacks, which call this, with its service mutex held, so
 * @dests is stable; the seed is the one a concurrent
 * ip_vs_kaff_svc_reseed() published last (the table mutex orders them).
 *
 * Return: 0, or a negative errno (the table is then unchanged).
 */
int ip_vs_kaff_svc_update(struct ip_vs_kaff_svc *s, struct list_head *dests)
{
	struct ip_vs_kaff_table *t;
	int ret = 0;

	mutex_lock(&ip_vs_kaff_table_mutex);
	t = ip_vs_kaff_table_build(dests, s->conf.seed);
	if (IS_ERR(t))
		ret = PTR_ERR(t);
	else
		ip_vs_kaff_svc_publish(s, t);
	mutex_unlock(&ip_vs_kaff_table_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_svc_update);

/**
 * ip_vs_kaff_svc_reseed - a new consistent-hash seed for one service
 * @s: the service's state
 * @seed: the seed
 *
 * Process context (netlink). The new table places the servers of the
 * current one, keyed by @seed, and replaces it as a whole: a datagram
 * hashes its key with the key of the table it picks from, so the packet
 * path sees either the old seed and table or the new ones, never a mix.
 * The IPVS service mutex that keeps the destination list stable is not
 * ours to take; a list change racing with this is followed by its
 * callback, which rebuilds from the list after us (the table mutex) with
 * the seed set here. Bindings are kept: only new keys (and conversations
 * moving off an unusable server) are placed by the new seed.
 *
 * Return: 0, or a negative errno (the seed and table are then unchanged).
 */
int ip_vs_kaff_svc_reseed(struct ip_vs_kaff_svc *s, u64 seed)
{
	struct ip_vs_kaff_table *t, *old;
	int ret = 0;

	mutex_lock(&ip_vs_kaff_table_mutex);
	old = rcu_dereference_protected(s->table,
					lockdep_is_held(&ip_vs_kaff_table_mutex));
	t = ip_vs_kaff_table_reseed(old, seed);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
	} else {
		WRITE_ONCE(s->conf.seed, seed);
		ip_vs_kaff_svc_publish(s, t);
	}
	mutex_unlock(&ip_vs_kaff_table_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_svc_reseed);

/**
 * ip_vs_kaff_svc_name - a service as /proc/net/ip_vs names it
 * @svc: the service
 * @buf: where to write it
 * @size: of @buf; 64 bytes hold every name
 */
void ip_vs_kaff_svc_name(const struct ip_vs_service *svc, char *buf,
			 size_t size)
{
	const char *proto = svc->protocol == IPPROTO_UDP ? "UDP" : "TCP";

	if (svc->fwmark)
		snprintf(buf, size, "%s %u",
			 svc->af == AF_INET6 ? "FWM6" : "FWM", svc->fwmark);
	else if (svc->af == AF_INET6)
		snprintf(buf, size, "%s [%pI6c]:%u", proto, &svc->addr.in6,
			 ntohs(svc->port));
	else
		snprintf(buf, size, "%s %pI4:%u", proto, &svc->addr.ip,
			 ntohs(svc->port));
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_svc_name);

static int __init ip_vs_kaff_init(void)
{
	int ret;

	ret = ip_vs_kaff_caches_init();
	if (ret)
		return ret;
	ip_vs_kaff_wq = alloc_workqueue("ip_vs_kaff", WQ_UNBOUND, 0);
	if (!ip_vs_kaff_wq) {
		ip_vs_kaff_caches_exit();
		return -ENOMEM;
	}
	return 0;
}

/*
 * Every service's state is destroyed before its scheduler's module goes,
 * and ours goes after theirs: what is left is queued rcu_work.
 */
static void __exit ip_vs_kaff_cleanup(void)
{
	/* Let queued rcu_work reach the workqueue, then drain it. */
	rcu_barrier();
	destroy_workqueue(ip_vs_kaff_wq);
	/* ... and the bindings those freed, before their caches go. */
	rcu_barrier();
	ip_vs_kaff_caches_exit();
}

module_init(ip_vs_kaff_init);
module_exit(ip_vs_kaff_cleanup);
MODULE_DESCRIPTION("IPVS keyed affinity: consistent hashing and bindings for the sip and radius schedulers");
MODULE_LICENSE("GPL");
