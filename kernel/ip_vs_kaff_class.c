// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed affinity for IPVS schedulers: what the "sip" and "radius"
 * schedulers do alike around the core (ip_vs_kaff.h): their services'
 * lifetimes, destination callbacks, the placement of datagrams without a
 * key, their /proc files and their registration.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>

#include "ip_vs_kaff.h"
#include "ip_vs_kaff_nl.h"

LIST_HEAD(ip_vs_kaff_services);
/* Guards ip_vs_kaff_services */
DEFINE_MUTEX(ip_vs_kaff_mutex);
/* The last ip_vs_kaff_svc.gen given */
static atomic_t ip_vs_kaff_gen = ATOMIC_INIT(0);

/**
 * ip_vs_kaff_init_svc - a scheduler's init_service
 * @c: the scheduler's class
 * @svc: the new service
 *
 * Return: 0 or a negative errno.
 */
int ip_vs_kaff_init_svc(const struct ip_vs_kaff_class *c,
			struct ip_vs_service *svc)
{
	struct ip_vs_kaff_svc *s;

	s = c->create(svc, &svc->destinations);
	if (IS_ERR(s))
		return PTR_ERR(s);
	s->cls = c;
	s->gen = (u32)atomic_inc_return(&ip_vs_kaff_gen);
	svc->sched_data = s;
	mutex_lock(&ip_vs_kaff_mutex);
	list_add(&s->list, &ip_vs_kaff_services);
	mutex_unlock(&ip_vs_kaff_mutex);
	ip_vs_kaff_svc_start(s);
	return 0;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_init_svc);

/**
 * ip_vs_kaff_done_svc - a scheduler's done_service
 * @svc: the service
 */
void ip_vs_kaff_done_svc(struct ip_vs_service *svc)
{
	struct ip_vs_kaff_svc *s = svc->sched_data;

	mutex_lock(&ip_vs_kaff_mutex);
	list_del(&s->list);
	mutex_unlock(&ip_vs_kaff_mutex);
	ip_vs_kaff_svc_destroy(s);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_done_svc);

/* add_dest: the placement table is rebuilt. */
int ip_vs_kaff_dest_changed(struct ip_vs_service *svc, struct ip_vs_dest *dest)
{
	return ip_vs_kaff_svc_update(svc->sched_data, &svc->destinations);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_dest_changed);

/* del_dest: rebuilt; its bindings move at their next datagram (event). */
int ip_vs_kaff_del_dest(struct ip_vs_service *svc, struct ip_vs_dest *dest)
{
	int ret = ip_vs_kaff_dest_changed(svc, dest);

	ip_vs_kaff_nl_dest_event(svc->sched_data, dest,
				 IPVS_UDP_EVENT_REASON_DEST_REMOVED);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_del_dest);

/* upd_dest: rebuilt; quiesced under the move policy, its bindings move. */
int ip_vs_kaff_upd_dest(struct ip_vs_service *svc, struct ip_vs_dest *dest)
{
	struct ip_vs_kaff_svc *s = svc->sched_data;
	int ret = ip_vs_kaff_dest_changed(svc, dest);

	if (!atomic_read(&dest->weight) &&
	    ip_vs_kaff_move_quiesced(s, svc->flags))
		ip_vs_kaff_nl_dest_event(s, dest,
					 IPVS_UDP_EVENT_REASON_DEST_QUIESCED);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_upd_dest);

/**
 * ip_vs_kaff_pick_client - the server for a datagram without a key
 * @svc: its service
 * @t: the service's current placement table (RCU)
 * @skb: the datagram
 * @iph: its headers as IPVS parsed them
 * @addr_only: by the client's address alone, not its port too
 *
 * The client's address and port decide, by the consistent hash, so that
 * one client's keyless datagrams (SIP keepalives, RADIUS Status-Server)
 * stay together. Under rcu_read_lock(); never sleeps.
 *
 * Return: the server, or NULL when none is usable.
 */
struct ip_vs_dest *ip_vs_kaff_pick_client(struct ip_vs_service *svc,
					  const struct ip_vs_kaff_table *t,
					  const struct sk_buff *skb,
					  const struct ip_vs_iphdr *iph,
					  bool addr_only)
{
	const union nf_inet_addr *caddr;
	__be16 _ports[2], *ports;
	__be16 cport = 0;

	caddr = ip_vs_iph_inverse(iph) ? &iph->daddr : &iph->saddr;
	if (!addr_only && !iph->fragoffs &&
	    (iph->protocol == IPPROTO_UDP || iph->protocol == IPPROTO_TCP)) {
		ports = skb_header_pointer(skb, iph->len, sizeof(_ports),
					   _ports);
		if (ports)
			cport = ip_vs_iph_inverse(iph) ? ports[1] : ports[0];
	}
	return ip_vs_kaff_table_pick(t, ip_vs_kaff_hash_addr(t, svc->af, caddr,
							     cport));
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_pick_client);

static int ip_vs_kaff_proc_show(struct seq_file *seq, void *v)
{
	struct ip_vs_kaff_class *c = pde_data(file_inode(seq->file));
	struct net *net = seq_file_single_net(seq);
	struct ip_vs_kaff_svc *s;

	seq_puts(seq, c->header);
	mutex_lock(&ip_vs_kaff_mutex);
	list_for_each_entry(s, &ip_vs_kaff_services, list)
		if (s->cls == c && net_eq(s->net, net))
			c->show(seq, s);
	mutex_unlock(&ip_vs_kaff_mutex);
	return 0;
}

/**
 * ip_vs_kaff_proc_create - a scheduler's /proc/net file in @net
 * @net: the namespace (pernet init)
 * @c: the scheduler's class; the file is c->name, removed by the caller
 *
 * Return: 0 or -ENOMEM.
 */
int ip_vs_kaff_proc_create(struct net *net, struct ip_vs_kaff_class *c)
{
	if (!proc_create_net_single(c->name, 0444, net->proc_net,
				    ip_vs_kaff_proc_show, c))
		return -ENOMEM;
	return 0;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_proc_create);

/**
 * ip_vs_kaff_register - register a scheduler and its per-namespace parts
 * @c: the scheduler's class, with c->sched
 * @ops: its pernet operations (its /proc file)
 *
 * The services' states are freed by this module, with its own code, so a
 * scheduler's module may go as soon as it is unregistered.
 *
 * Return: 0 or a negative errno (nothing is registered then).
 */
int ip_vs_kaff_register(struct ip_vs_kaff_class *c,
			struct pernet_operations *ops)
{
	int ret;

	ret = register_pernet_subsys(ops);
	if (ret)
		return ret;
	ret = register_ip_vs_scheduler(c->sched);
	if (ret)
		unregister_pernet_subsys(ops);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_register);

void ip_vs_kaff_unregister(struct ip_vs_kaff_class *c,
			   struct pernet_operations *ops)
{
	unregister_ip_vs_scheduler(c->sched);
	unregister_pernet_subsys(ops);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_unregister);
