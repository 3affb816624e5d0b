// SPDX-License-Identifier: GPL-2.0
/*
 * Rate limits for the IPv4 errors ip_vs_icmp_vip builds itself, for kernels
 * that no longer export their own (icmp_global_allow(),
 * icmp_global_consume(), inet_getpeer(), inet_peer_xrlim_allow() are
 * unexported after 6.12; Kbuild.probes reads the kernel's Module.symvers).
 * Where they are exported, ip_vs_icmp_vip_core.c uses the kernel's, which
 * share one budget with every other ICMP error of the namespace.
 *
 * The limits follow the same sysctls with the same meaning:
 *  - net.ipv4.icmp_msgs_per_sec and icmp_msgs_burst: a credit per
 *    namespace, refilled at most every HZ/50 and by at most one second's
 *    worth, of which each error takes a random 0 to 2 (as the kernel does
 *    since the SADDNS side channel: an observer cannot count the credit
 *    down exactly);
 *  - net.ipv4.icmp_ratelimit: per destination a token bucket of up to six
 *    intervals. Instead of the kernel's inet_peer tree, destinations hash
 *    (keyed, per namespace) into IP_VS_ICMP_VIP_PEER_SLOTS slots: fixed
 *    memory and constant work per error, and two destinations that share
 *    a slot share its budget, which only makes the limit stricter.
 * Like the kernel's, the updates are lockless and may race: two CPUs can
 * both take the last token. That errs by one error, never by a flood.
 */
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <kunit/visibility.h>

#include "ip_vs_icmp_vip.h"

/* A destination's bucket holds up to this many icmp_ratelimit intervals. */
#define IP_VS_ICMP_VIP_PEER_BURST	6

/**
 * ip_vs_icmp_vip_limit_init - fresh limits: no global credit, full buckets
 * @l: the namespace's limits
 * @now: jiffies
 */
void ip_vs_icmp_vip_limit_init(struct ip_vs_icmp_vip_limit *l,
			       unsigned long now)
{
	unsigned int i;

	atomic_set(&l->credit, 0);
	l->stamp = now - HZ;
	l->seed = get_random_u32();
	/* Long idle: the first error to a destination finds a full bucket. */
	for (i = 0; i < IP_VS_ICMP_VIP_PEER_SLOTS; i++) {
		l->peers[i].last = now - 60 * HZ;
		l->peers[i].tokens = 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_limit_init);

/**
 * ip_vs_icmp_vip_limit_global - may an error go, by the namespace's credit?
 * @l: the namespace's limits
 * @now: jiffies
 * @per_sec: net.ipv4.icmp_msgs_per_sec
 * @burst: net.ipv4.icmp_msgs_burst
 *
 * Refills the credit by the time since the last refill (at most a second's
 * worth, not more often than every HZ/50), up to @burst. An error that is
 * sent takes its share with ip_vs_icmp_vip_limit_consume().
 *
 * Return: true if it may.
 */
bool ip_vs_icmp_vip_limit_global(struct ip_vs_icmp_vip_limit *l,
				 unsigned long now, int per_sec, int burst)
{
	unsigned long stamp, elapsed;
	int add, cur, next;

	if (atomic_read(&l->credit) > 0)
		return true;
	stamp = READ_ONCE(l->stamp);
	elapsed = min_t(unsigned long, now - stamp, HZ);
	if (elapsed < HZ / 50)
		return false;
	add = (int)(per_sec * elapsed / HZ);
	if (add <= 0)
		return false;
	/* One CPU refills; the others go on with what it adds. */
	if (cmpxchg(&l->stamp, stamp, now) != stamp)
		return true;
	cur = atomic_read(&l->credit);
	do {
		next = min(cur + add, burst);
	} while (!atomic_try_cmpxchg(&l->credit, &cur, next));
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_limit_global);

/**
 * ip_vs_icmp_vip_limit_consume - an error was sent: take its credit
 * @l: the namespace's limits
 * @credits: how much (callers: get_random_u32_below(3))
 *
 * The credit may go below zero; ip_vs_icmp_vip_limit_global() then says no
 * until a refill brings it above.
 */
void ip_vs_icmp_vip_limit_consume(struct ip_vs_icmp_vip_limit *l, u32 credits)
{
	if (credits)
		atomic_sub(credits, &l->credit);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_limit_consume);

/**
 * ip_vs_icmp_vip_limit_peer - may an error go to @daddr, by its bucket?
 * @l: the namespace's limits
 * @daddr: the error's destination
 * @now: jiffies
 * @interval: net.ipv4.icmp_ratelimit (jiffies); 0 or less: no limit
 *
 * The bucket gains a token per jiffy up to IP_VS_ICMP_VIP_PEER_BURST
 * intervals; an error takes one interval's worth.
 *
 * Return: true if it may (the tokens are then taken).
 */
bool ip_vs_icmp_vip_limit_peer(struct ip_vs_icmp_vip_limit *l, __be32 daddr,
			       unsigned long now, int interval)
{
	struct ip_vs_icmp_vip_peer_slot *p;
	unsigned long tokens, old, elapsed, cap;
	bool ok = false;

	if (interval <= 0)
		return true;
	p = &l->peers[jhash_1word((__force u32)daddr, l->seed) %
		      IP_VS_ICMP_VIP_PEER_SLOTS];
	tokens = READ_ONCE(p->tokens);
	old = tokens;
	elapsed = now - READ_ONCE(p->last);
	if (elapsed) {
		WRITE_ONCE(p->last, now);
		cap = (unsigned long)interval * IP_VS_ICMP_VIP_PEER_BURST;
		tokens = min(tokens + min(elapsed, cap), cap);
	}
	if (tokens >= (unsigned long)interval) {
		tokens -= interval;
		ok = true;
	}
	/* Written only when changed: refusals within a jiffy dirty nothing. */
	if (tokens != old)
		WRITE_ONCE(p->tokens, tokens);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_limit_peer);
