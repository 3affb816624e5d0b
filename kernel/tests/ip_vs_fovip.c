// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "fovip" scheduler, for the icmp-vip scenarios: weighted failover
 * like the stock "fo" (the available real server with the highest weight),
 * and when there is none it calls ip_vs_icmp_vip_no_dest() before returning
 * NULL, exactly as our own schedulers do. This is how the scenarios check,
 * on a stock kernel, the path where a scheduler sends the IPv4 port
 * unreachable from a VIP that is not a local address.
 *
 *   ipvsadm -A -f 1 -s fovip
 *
 * Built with the KUnit suites only (test kernels).
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <net/ip_vs.h>

#include "ip_vs_icmp_vip.h"

static struct ip_vs_dest *ip_vs_fovip_schedule(struct ip_vs_service *svc,
					       const struct sk_buff *skb,
					       struct ip_vs_iphdr *iph)
{
	struct ip_vs_dest *dest, *best = NULL;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (dest->flags & IP_VS_DEST_F_OVERLOAD ||
		    atomic_read(&dest->weight) <= 0)
			continue;
		if (!best ||
		    atomic_read(&dest->weight) > atomic_read(&best->weight))
			best = dest;
	}
	if (!best) {
		ip_vs_icmp_vip_no_dest(svc, skb, iph);
		ip_vs_scheduler_err(svc, "no destination available");
		return NULL;
	}
	return best;
}

static struct ip_vs_scheduler ip_vs_fovip_scheduler = {
	.name =			"fovip",
	.refcnt =		ATOMIC_INIT(0),
	.module =		THIS_MODULE,
	.n_list =		LIST_HEAD_INIT(ip_vs_fovip_scheduler.n_list),
	.schedule =		ip_vs_fovip_schedule,
};

static int __init ip_vs_fovip_init(void)
{
	return register_ip_vs_scheduler(&ip_vs_fovip_scheduler);
}

static void __exit ip_vs_fovip_cleanup(void)
{
	unregister_ip_vs_scheduler(&ip_vs_fovip_scheduler);
	synchronize_rcu();
}

module_init(ip_vs_fovip_init);
module_exit(ip_vs_fovip_cleanup);
MODULE_DESCRIPTION("IPVS fovip scheduler: failover, port unreachable from the VIP (tests)");
MODULE_LICENSE("GPL");
