package config

import "slices"

// IPAddressType is the load balancer's IP address type.
type IPAddressType string

// Load balancer IP address types.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html
const (
	// IPAddressIPv4 gives the load balancer IPv4 addresses only.
	IPAddressIPv4 IPAddressType = "ipv4"
	// IPAddressDualstack gives it IPv4 and IPv6 addresses.
	IPAddressDualstack IPAddressType = "dualstack"
	// IPAddressDualstackWithoutPublicIPv4 gives an internet-facing load
	// balancer public IPv6 addresses and no public IPv4 address.
	IPAddressDualstackWithoutPublicIPv4 IPAddressType = "dualstack_without_public_ipv4"
)

// IPAddressTypes lists every IP address type, in the order messages show them.
var IPAddressTypes = []IPAddressType{IPAddressIPv4, IPAddressDualstack, IPAddressDualstackWithoutPublicIPv4}

// DualStack reports whether the load balancer has IPv6 addresses.
func (t IPAddressType) DualStack() bool {
	return t == IPAddressDualstack || t == IPAddressDualstackWithoutPublicIPv4
}

// PublicIPv4 reports whether an internet-facing load balancer of this type
// has public IPv4 addresses (one per availability zone, each billed).
func (t IPAddressType) PublicIPv4() bool { return t != IPAddressDualstackWithoutPublicIPv4 }

// API is the value the Elastic Load Balancing API and the provider's
// ip_address_type take: ipv4, dualstack or dualstack-without-public-ipv4.
func (t IPAddressType) API() string {
	if t == IPAddressDualstackWithoutPublicIPv4 {
		return "dualstack-without-public-ipv4"
	}
	return string(t)
}

// AllIPv4 and AllIPv6 are the CIDRs of every address: a security group
// that admits the first on a dual-stack load balancer admits the second.
const (
	AllIPv4 = "0.0.0.0/0"
	AllIPv6 = "::/0"
)

// validateIPAddressType checks alb.ip_address_type on its own (the ALB
// section's rules).
func validateIPAddressType(e *Environment, bad badFunc) {
	a := e.ALB
	if !slices.Contains(IPAddressTypes, a.IPAddressType) {
		bad("alb.ip_address_type", "%s is not an IP address type; allowed: %s", q(string(a.IPAddressType)), join(IPAddressTypes))
		return
	}
	if a.IPAddressType == IPAddressDualstackWithoutPublicIPv4 && len(a.IngressCIDRs) > 0 && !slices.Contains(a.IngressCIDRs, AllIPv4) {
		bad("alb.ip_address_type", "is %s but alb.ingress_cidrs does not admit %s: the load balancer has no public IPv4 address, and its listeners admit %s only where ingress_cidrs admits %s, so no client could reach it; use dualstack, or admit %s",
			a.IPAddressType, AllIPv4, AllIPv6, AllIPv4, AllIPv4)
	}
}

// validateIPv6 checks the rules that span network.ipv6 and the load
// balancer: a dual-stack load balancer needs subnets with IPv6 blocks.
func validateIPv6(e *Environment, bad badFunc) {
	if t := e.ALB.IPAddressType; t.DualStack() && !e.Network.IPv6 {
		bad("alb.ip_address_type", "is %s but network.ipv6 is false; a dual-stack load balancer needs subnets with IPv6 blocks: set network.ipv6: true, or ip_address_type: ipv4", t)
	}
}
