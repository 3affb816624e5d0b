/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ip_vs_udp_walk.h - walking a table that the walk itself prunes
 *
 * Shared by ip_vs_sip (bindings: expiry, flush) and ip_vs_pe_reply (request
 * records: expiry).
 */
#ifndef _IP_VS_UDP_WALK_H
#define _IP_VS_UDP_WALK_H

#include <linux/err.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>

/* Entries between two pauses of a long walk (for cond_resched()). */
#define IP_VS_UDP_WALK_BATCH	1024

/**
 * ip_vs_udp_walk_next - the next entry of a walk that may remove entries
 * @it: the walk, started (rhashtable_walk_start())
 * @seen: entries returned so far; counted here, 0 to begin
 *
 * Every IP_VS_UDP_WALK_BATCH entries the walk pauses (leaves the RCU read
 * section, cond_resched()), and it does so before handing out an entry,
 * never after the caller removed the one it got: resumed, an rhashtable
 * walk finds its place again by the entry it last returned, and with that
 * entry gone it keeps a position that counts it and skips a live entry
 * (rhashtable_walk_start_check()). An entry removed concurrently during
 * the pause can still cost the walk one entry. The entry last returned may
 * be freed during the pause; the walk's current entry is taken afresh
 * (rhashtable_walk_peek()).
 *
 * The caller may remove the entry it got before asking for the next one.
 * Process context.
 *
 * Return: an entry, or NULL at the end of the table. A resize is not an
 * error: the walk goes on in the new table (entries may then be seen
 * twice).
 */
static inline void *ip_vs_udp_walk_next(struct rhashtable_iter *it,
					unsigned int *seen)
{
	void *e = rhashtable_walk_next(it);

	for (;;) {
		if (IS_ERR(e)) {
			if (PTR_ERR(e) != -EAGAIN)
				return NULL;
			e = rhashtable_walk_next(it);
			continue;
		}
		if (!e || ++*seen % IP_VS_UDP_WALK_BATCH)
			return e;
		rhashtable_walk_stop(it);
		cond_resched();
		rhashtable_walk_start(it);
		e = rhashtable_walk_peek(it);
	}
}

#endif /* _IP_VS_UDP_WALK_H */
