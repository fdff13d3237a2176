// Package network is the VPC construct: a VPC across at least two AZs with a
// public and a private subnet per AZ, an internet gateway, NAT (none, single or
// per AZ), route tables, the default security group adopted with no rules,
// VPC flow logs to CloudWatch Logs, an optional S3 gateway endpoint and
// optional interface endpoints (Session Manager and CloudWatch Logs without
// NAT) behind their own security group. With IPv6 the VPC is dual-stack: an
// Amazon-provided /56, a /64 per subnet and ::/0 routes (to the internet
// gateway from the public subnets, to an egress-only internet gateway from
// the private ones).
package network

import (
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/egressonlyinternetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/secgroup"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Props configure the network: its settings (config.Network, with the
// defaults and rules of environments.yaml's network block) and where it goes.
// Start from DefaultProps.
type Props struct {
	config.Network
	// Name prefixes the Name tag of every resource, e.g. webtier-dev. Required.
	Name string
	// Region is the AWS region (the endpoints' service names have it). Required.
	Region string
	// AvailabilityZones of Region to spread over, at least two, one public
	// and one private subnet in each. Required.
	AvailabilityZones []string
	// FlowLogKMSKeyARN encrypts the flow log group with a customer-managed
	// key. Default: nil (service-managed encryption).
	FlowLogKMSKeyARN *string
	// MonitoringEndpoint adds the CloudWatch (monitoring) interface endpoint
	// to network.interface_endpoints, for the CloudWatch agent's metrics
	// without NAT (observability.logs). Without interface_endpoints it adds
	// nothing. Default: false.
	MonitoringEndpoint bool
}

// DefaultProps returns the documented defaults (config.DefaultNetwork);
// set Name, Region, AvailabilityZones and CIDR.
func DefaultProps() Props { return Props{Network: config.DefaultNetwork()} }

// Subnet is one subnet of one tier in one AZ.
type Subnet struct {
	// ID is the subnet's ID token.
	ID *string
	// AZ is the availability zone.
	AZ string
	// CIDR is the subnet's block.
	CIDR string
	// Subnet is the resource.
	Subnet subnet.Subnet
}

// Network is what the construct exposes to others.
type Network struct {
	// Scope is the construct holding every network resource.
	Scope constructs.Construct
	// VPC is the VPC resource (for overrides).
	VPC vpc.Vpc
	// VPCCIDR is the VPC's block.
	VPCCIDR string
	// Public subnets, one per AZ, in AZ order.
	Public []Subnet
	// Private subnets, one per AZ, in AZ order.
	Private []Subnet
	// NATGatewayIDs, none, one or one per AZ.
	NATGatewayIDs []*string
	// FlowLogGroupName is the flow log group's name ("" when flow logs are off).
	FlowLogGroupName string
	// EndpointSecurityGroup is the interface endpoints' security group (nil
	// without interface endpoints); AllowEndpointsFrom opens it.
	EndpointSecurityGroup securitygroup.SecurityGroup
	// InterfaceEndpointIDs, one per service of
	// config.InterfaceEndpointServices, in that order, then monitoring with
	// Props.MonitoringEndpoint (none without interface endpoints).
	InterfaceEndpointIDs []*string

	vpcID         *string
	ipv6          bool
	endpointSGID  *string
	endpoints     constructs.Construct
	endpointPeers map[string]bool
}

// VPCID returns the VPC's ID.
func (n *Network) VPCID() *string { return n.vpcID }

// IPv6 reports whether the VPC and its subnets have IPv6 blocks
// (network.ipv6): a dual-stack load balancer needs them.
func (n *Network) IPv6() bool { return n.ipv6 }

// IPv6SubnetNewbits is how many bits a subnet's /64 adds to the VPC's /56.
const IPv6SubnetNewbits = 8

// IPv6PrivateOffset is the /64 number of the first private subnet (public
// subnet i takes number i, private subnet i number IPv6PrivateOffset+i),
// the upper half as in the IPv4 layout.
const IPv6PrivateOffset = 128

// EndpointSecurityGroupID returns the interface endpoints' security group
// ID (nil without interface endpoints).
func (n *Network) EndpointSecurityGroupID() *string { return n.endpointSGID }

// Peer is a construct with a security group that AllowEndpointsFrom lets in.
type Peer interface {
	// SecurityGroupID of the peer.
	SecurityGroupID() *string
	// PeerID names the peer in the id of the rule made for it
	// (ingress-https-from-<id>): the constructs' own id; peers let into one
	// network need distinct ids.
	PeerID() string
	// PeerDescription names the peer in the rule's description, e.g. instances.
	PeerDescription() string
}

// AllowEndpointsFrom lets the peer's security group (the instances') reach
// the interface endpoints on HTTPS, and nothing else: the endpoints' group
// has no other rule (no egress: an endpoint only answers, and security
// groups are stateful). Without interface endpoints it adds nothing; for a
// peer already let in it adds nothing either.
func (n *Network) AllowEndpointsFrom(peer Peer) {
	if n.endpointSGID == nil || n.endpointPeers[peer.PeerID()] {
		return
	}
	n.endpointPeers[peer.PeerID()] = true
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(n.endpoints, jsii.String("ingress-https-from-"+peer.PeerID()), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId:           n.endpointSGID,
		Description:               jsii.String("HTTPS from the " + peer.PeerDescription() + " to the interface endpoints"),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(443),
		ToPort:                    jsii.Number(443),
		ReferencedSecurityGroupId: peer.SecurityGroupID(),
	})
}

// PublicSubnetIDs returns the public subnet IDs in AZ order.
func (n *Network) PublicSubnetIDs() []*string { return ids(n.Public) }

// PrivateSubnetIDs returns the private subnet IDs in AZ order.
func (n *Network) PrivateSubnetIDs() []*string { return ids(n.Private) }

func ids(s []Subnet) []*string {
	out := make([]*string, len(s))
	for i := range s {
		out[i] = s[i].ID
	}
	return out
}

// azSuffix turns us-east-1a into "a" for construct ids.
func azSuffix(az string) string {
	if i := strings.LastIndexByte(az, '-'); i >= 0 && i+2 <= len(az) {
		return strings.TrimLeft(az[i+1:], "0123456789")
	}
	return az
}

// New builds the network as id in scope. It validates props first (the
// rules of environments.yaml's region, availability_zones and network, and
// the wiring) and returns every problem at once as *config.Errors, having
// made nothing. The subnets are the ones config.Network.SubnetCIDRs gives
// for the zones.
func New(scope constructs.Construct, id string, props Props) (*Network, error) {
	var problems check.Problems
	problems.Require(props.Name != "", "name", "the name prefix of the resources, e.g. webtier-dev")
	problems.Settings(config.ValidateRegion(props.Region, props.AvailabilityZones))
	problems.Settings(props.Network.Validate(len(props.AvailabilityZones)))
	if err := problems.Err(scope, id); err != nil {
		return nil, err
	}
	cfg, w := props.Network, props
	public, private, err := cfg.SubnetCIDRs(len(w.AvailabilityZones))
	if err != nil {
		return nil, err
	}
	s := constructs.NewConstruct(scope, jsii.String(id))
	n := &Network{Scope: s, VPCCIDR: cfg.CIDR, ipv6: cfg.IPv6, endpointPeers: map[string]bool{}}

	vpcConfig := &vpc.VpcConfig{
		CidrBlock:          jsii.String(cfg.CIDR),
		EnableDnsSupport:   jsii.Bool(true),
		EnableDnsHostnames: jsii.Bool(true),
		Tags:               ptr.Name(w.Name),
	}
	if cfg.IPv6 {
		vpcConfig.AssignGeneratedIpv6CidrBlock = jsii.Bool(true) // an Amazon-provided /56
	}
	v := vpc.NewVpc(s, jsii.String("vpc"), vpcConfig)
	n.VPC = v
	n.vpcID = v.Id() // read once: every jsii attribute read is a round trip to the kernel
	// ipv6Subnet is the /64 number netnum of the VPC's /56, computed by
	// Terraform (cidrsubnet) once AWS has assigned the /56; nil without IPv6.
	ipv6Subnet := func(netnum int) *string { return nil }
	if cfg.IPv6 {
		block := v.Ipv6CidrBlock()
		ipv6Subnet = func(netnum int) *string {
			return cdktf.Fn_Cidrsubnet(block, jsii.Number(IPv6SubnetNewbits), jsii.Number(netnum))
		}
	}

	// Adopt the default security group with no rules, so nothing can use it by accident.
	defaultsecuritygroup.NewDefaultSecurityGroup(s, jsii.String("default-sg"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: n.vpcID,
		Tags:  ptr.Name(w.Name + "-default-unused"),
	})

	igw := internetgateway.NewInternetGateway(s, jsii.String("igw"), &internetgateway.InternetGatewayConfig{
		VpcId: n.vpcID,
		Tags:  ptr.Name(w.Name),
	})

	publicRT := routetable.NewRouteTable(s, jsii.String("public-rt"), &routetable.RouteTableConfig{
		VpcId: n.vpcID,
		Tags:  ptr.Name(w.Name + "-public"),
	})
	publicRTID := publicRT.Id()
	route.NewRoute(s, jsii.String("public-default-route"), &route.RouteConfig{
		RouteTableId:         publicRTID,
		DestinationCidrBlock: jsii.String("0.0.0.0/0"),
		GatewayId:            igw.Id(),
	})
	var eigwID *string
	if cfg.IPv6 {
		route.NewRoute(s, jsii.String("public-default-route-ipv6"), &route.RouteConfig{
			RouteTableId:             publicRTID,
			DestinationIpv6CidrBlock: jsii.String(config.AllIPv6),
			GatewayId:                igw.Id(),
		})
		// The private subnets reach IPv6 destinations out only: an
		// egress-only internet gateway is IPv6's NAT (and has no hourly charge).
		eigwID = egressonlyinternetgateway.NewEgressOnlyInternetGateway(s, jsii.String("egress-only-igw"), &egressonlyinternetgateway.EgressOnlyInternetGatewayConfig{
			VpcId: n.vpcID,
			Tags:  ptr.Name(w.Name),
		}).Id()
	}

	for i, az := range w.AvailabilityZones {
		sfx := azSuffix(az)
		pub := subnet.NewSubnet(s, jsii.String("public-"+sfx), &subnet.SubnetConfig{
			VpcId:               n.vpcID,
			CidrBlock:           jsii.String(public[i]),
			AvailabilityZone:    jsii.String(az),
			MapPublicIpOnLaunch: jsii.Bool(false),
			Ipv6CidrBlock:       ipv6Subnet(i),
			Tags:                ptr.Tags(map[string]string{"Name": w.Name + "-public-" + sfx, "Tier": "public"}),
		})
		pubID := pub.Id()
		routetableassociation.NewRouteTableAssociation(s, jsii.String("public-rta-"+sfx), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     pubID,
			RouteTableId: publicRTID,
		})
		n.Public = append(n.Public, Subnet{ID: pubID, AZ: az, CIDR: public[i], Subnet: pub})
	}

	// NAT gateways live in public subnets: the first one (single) or one per AZ.
	natCount := map[config.NATMode]int{config.NATNone: 0, config.NATSingle: 1, config.NATPerAZ: len(w.AvailabilityZones)}[cfg.NATMode]
	for i := 0; i < natCount; i++ {
		sfx := azSuffix(w.AvailabilityZones[i])
		ip := eip.NewEip(s, jsii.String("nat-eip-"+sfx), &eip.EipConfig{
			Domain: jsii.String("vpc"),
			Tags:   ptr.Name(w.Name + "-nat-" + sfx),
		})
		nat := natgateway.NewNatGateway(s, jsii.String("nat-"+sfx), &natgateway.NatGatewayConfig{
			AllocationId: ip.AllocationId(),
			SubnetId:     n.Public[i].ID,
			Tags:         ptr.Name(w.Name + "-nat-" + sfx),
			DependsOn:    &[]cdktf.ITerraformDependable{igw},
		})
		n.NATGatewayIDs = append(n.NATGatewayIDs, nat.Id())
	}

	var privateRTs []*string
	for i, az := range w.AvailabilityZones {
		sfx := azSuffix(az)
		privConfig := &subnet.SubnetConfig{
			VpcId:            n.vpcID,
			CidrBlock:        jsii.String(private[i]),
			AvailabilityZone: jsii.String(az),
			Tags:             ptr.Tags(map[string]string{"Name": w.Name + "-private-" + sfx, "Tier": "private"}),
		}
		if cfg.IPv6 {
			privConfig.Ipv6CidrBlock = ipv6Subnet(IPv6PrivateOffset + i)
			// Instances get an IPv6 address to leave through the egress-only gateway.
			privConfig.AssignIpv6AddressOnCreation = jsii.Bool(true)
		}
		priv := subnet.NewSubnet(s, jsii.String("private-"+sfx), privConfig)
		rt := routetable.NewRouteTable(s, jsii.String("private-rt-"+sfx), &routetable.RouteTableConfig{
			VpcId: n.vpcID,
			Tags:  ptr.Name(w.Name + "-private-" + sfx),
		})
		rtID, privID := rt.Id(), priv.Id()
		if len(n.NATGatewayIDs) > 0 {
			nat := n.NATGatewayIDs[0]
			if cfg.NATMode == config.NATPerAZ {
				nat = n.NATGatewayIDs[i]
			}
			route.NewRoute(s, jsii.String("private-default-route-"+sfx), &route.RouteConfig{
				RouteTableId:         rtID,
				DestinationCidrBlock: jsii.String("0.0.0.0/0"),
				NatGatewayId:         nat,
			})
		}
		if eigwID != nil {
			route.NewRoute(s, jsii.String("private-default-route-ipv6-"+sfx), &route.RouteConfig{
				RouteTableId:             rtID,
				DestinationIpv6CidrBlock: jsii.String(config.AllIPv6),
				EgressOnlyGatewayId:      eigwID,
			})
		}
		routetableassociation.NewRouteTableAssociation(s, jsii.String("private-rta-"+sfx), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     privID,
			RouteTableId: rtID,
		})
		privateRTs = append(privateRTs, rtID)
		n.Private = append(n.Private, Subnet{ID: privID, AZ: az, CIDR: private[i], Subnet: priv})
	}

	if cfg.S3GatewayEndpoint {
		vpcendpoint.NewVpcEndpoint(s, jsii.String("s3-endpoint"), &vpcendpoint.VpcEndpointConfig{
			VpcId:           n.vpcID,
			ServiceName:     jsii.String("com.amazonaws." + w.Region + ".s3"),
			VpcEndpointType: jsii.String("Gateway"),
			RouteTableIds:   ptr.L(privateRTs...),
			Tags:            ptr.Name(w.Name + "-s3"),
		})
	}

	if cfg.InterfaceEndpoints {
		// Session Manager (ssm, ssmmessages, ec2messages) and CloudWatch Logs
		// reached through the private subnets: an ENI per subnet, and private
		// DNS so the service's usual name resolves to it.
		// https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
		n.endpoints = constructs.NewConstruct(s, jsii.String("endpoints"))
		n.EndpointSecurityGroup = secgroup.New(n.endpoints, w.Name, "endpoints", "Interface endpoints of "+w.Name+": HTTPS from the instances only", n.vpcID)
		n.endpointSGID = n.EndpointSecurityGroup.Id()
		subnets := ptr.L(n.PrivateSubnetIDs()...)
		services := config.InterfaceEndpointServices
		if props.MonitoringEndpoint {
			services = append(slices.Clip(services), config.MonitoringEndpointService)
		}
		for _, svc := range services {
			ep := vpcendpoint.NewVpcEndpoint(n.endpoints, jsii.String(svc), &vpcendpoint.VpcEndpointConfig{
				VpcId:             n.vpcID,
				ServiceName:       jsii.String("com.amazonaws." + w.Region + "." + svc),
				VpcEndpointType:   jsii.String("Interface"),
				SubnetIds:         subnets,
				SecurityGroupIds:  ptr.L(n.endpointSGID),
				PrivateDnsEnabled: jsii.Bool(true),
				Tags:              ptr.Name(w.Name + "-" + svc),
			})
			n.InterfaceEndpointIDs = append(n.InterfaceEndpointIDs, ep.Id())
		}
	}

	if cfg.FlowLogs {
		n.FlowLogGroupName = "/" + w.Name + "/vpc-flow-logs"
		group := cloudwatchloggroup.NewCloudwatchLogGroup(s, jsii.String("flow-log-group"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
			Name:            jsii.String(n.FlowLogGroupName),
			RetentionInDays: jsii.Number(cfg.FlowLogRetentionDays),
			KmsKeyId:        w.FlowLogKMSKeyARN,
		})
		groupARN := group.Arn()
		role := iamrole.NewIamRole(s, jsii.String("flow-log-role"), &iamrole.IamRoleConfig{
			NamePrefix:       jsii.String(w.Name + "-flow-logs-"),
			AssumeRolePolicy: jsii.String(policydoc.Trust("vpc-flow-logs.amazonaws.com")),
		})
		// Least privilege: write to this one log group only.
		iamrolepolicy.NewIamRolePolicy(s, jsii.String("flow-log-policy"), &iamrolepolicy.IamRolePolicyConfig{
			Role: role.Id(),
			Name: jsii.String("write-flow-logs"),
			Policy: jsii.String(policydoc.Document(policydoc.Allow(
				[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				*groupARN, *groupARN+":*"))),
		})
		flowlog.NewFlowLog(s, jsii.String("flow-log"), &flowlog.FlowLogConfig{
			VpcId:              n.vpcID,
			TrafficType:        jsii.String("ALL"),
			LogDestinationType: jsii.String("cloud-watch-logs"),
			LogDestination:     groupARN,
			IamRoleArn:         role.Arn(),
			Tags:               ptr.Name(w.Name),
		})
	}
	return n, nil
}
