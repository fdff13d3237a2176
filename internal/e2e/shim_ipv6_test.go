package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// startPlainMoto starts moto's own server, without the shims.
func startPlainMoto(t *testing.T) *AWS {
	t.Helper()
	ctx := context.Background()
	if err := CheckMoto(ctx, "python3"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.py")
	if err := os.WriteFile(plain, []byte("import sys\nfrom moto.server import main\nmain(sys.argv[1:])\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	emu, err := startOn(ctx, "python3", plain, dir, port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Stop)
	return NewAWS(emu.URL, "us-east-1")
}

// TestShimDualStack: a subnet's IPv6 block reads back with state
// "associated" (plain moto 5.2.1 answers its state dict as a string), and an
// internet-facing ALB of IP address type dualstack-without-public-ipv4 is
// made and read back with that type, and SetIpAddressType switches to it and
// back, with the shim; plain moto refuses the type; an internal load
// balancer is refused it with the shim too (AWS: internal load balancers
// must use ipv4).
func TestShimDualStack(t *testing.T) {
	const noIPv4 = elbtypes.IpAddressType("dualstack-without-public-ipv4")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	lbIn := func(a *AWS, name string, scheme elbtypes.LoadBalancerSchemeEnum) *elbv2.CreateLoadBalancerInput {
		t.Helper()
		vpc, err := a.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16"), AmazonProvidedIpv6CidrBlock: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		var subnets []string
		for i, az := range []string{"us-east-1a", "us-east-1b"} {
			sn, err := a.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String([]string{"10.9.1.0/24", "10.9.2.0/24"}[i]), AvailabilityZone: aws.String(az)})
			if err != nil {
				t.Fatal(err)
			}
			subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
		}
		return &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Subnets: subnets, Scheme: scheme, Type: elbtypes.LoadBalancerTypeEnumApplication, IpAddressType: noIPv4}
	}

	subnetState := func(a *AWS) string {
		t.Helper()
		vpc, err := a.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.8.0.0/16"), AmazonProvidedIpv6CidrBlock: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{aws.ToString(vpc.Vpc.VpcId)}})
		if err != nil || len(d.Vpcs) != 1 || len(d.Vpcs[0].Ipv6CidrBlockAssociationSet) != 1 {
			t.Fatalf("the VPC's IPv6 block: %+v %v", d, err)
		}
		block := aws.ToString(d.Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock) // a /56: its first /64
		first := strings.TrimSuffix(block, "/56") + "/64"
		sn, err := a.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.8.1.0/24"), Ipv6CidrBlock: aws.String(first), AvailabilityZone: aws.String("us-east-1a")})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := a.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(sn.Subnet.SubnetId)}})
		if err != nil || len(ds.Subnets) != 1 || len(ds.Subnets[0].Ipv6CidrBlockAssociationSet) != 1 {
			t.Fatalf("the subnet's IPv6 block: %+v %v", ds, err)
		}
		return string(ds.Subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State)
	}

	t.Run("plain moto", func(t *testing.T) {
		a := startPlainMoto(t)
		if got := subnetState(a); got == "associated" {
			t.Errorf("plain moto: the subnet's IPv6 block state is %q: the shim is no longer needed", got)
		}
		_, err := a.ELB.CreateLoadBalancer(ctx, lbIn(a, "plain", elbtypes.LoadBalancerSchemeEnumInternetFacing))
		if err == nil || !strings.Contains(err.Error(), "ipAddressType") {
			t.Fatalf("plain moto: CreateLoadBalancer with %s: err %v, want its ValidationError (else this shim is no longer needed)", noIPv4, err)
		}
	})

	a := startShim(t)
	t.Run("subnet IPv6 block associated", func(t *testing.T) {
		if got := subnetState(a); got != "associated" {
			t.Errorf("the subnet's IPv6 block state is %q, want associated", got)
		}
	})
	t.Run("internet-facing", func(t *testing.T) {
		out, err := a.ELB.CreateLoadBalancer(ctx, lbIn(a, "public", elbtypes.LoadBalancerSchemeEnumInternetFacing))
		if err != nil {
			t.Fatalf("CreateLoadBalancer with %s: %v", noIPv4, err)
		}
		arn := out.LoadBalancers[0].LoadBalancerArn
		typeOf := func() elbtypes.IpAddressType {
			d, err := a.ELB.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{aws.ToString(arn)}})
			if err != nil {
				t.Fatal(err)
			}
			return d.LoadBalancers[0].IpAddressType
		}
		if got := typeOf(); got != noIPv4 {
			t.Errorf("IP address type read back %q, want %q", got, noIPv4)
		}
		for _, typ := range []elbtypes.IpAddressType{elbtypes.IpAddressTypeDualstack, noIPv4, elbtypes.IpAddressTypeIpv4} {
			if _, err := a.ELB.SetIpAddressType(ctx, &elbv2.SetIpAddressTypeInput{LoadBalancerArn: arn, IpAddressType: typ}); err != nil {
				t.Fatalf("SetIpAddressType %s: %v", typ, err)
			}
			if got := typeOf(); got != typ {
				t.Errorf("after SetIpAddressType %s: read back %q", typ, got)
			}
		}
	})
	t.Run("internal refused", func(t *testing.T) {
		_, err := a.ELB.CreateLoadBalancer(ctx, lbIn(a, "private", elbtypes.LoadBalancerSchemeEnumInternal))
		if err == nil || !strings.Contains(err.Error(), "internet-facing") {
			t.Errorf("internal load balancer with %s: err %v, want a ValidationError naming internet-facing", noIPv4, err)
		}
	})
}
