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

// TestShimNoPublicIPv4: an internet-facing ALB of IP address type
// dualstack-without-public-ipv4 is made and read back with that type, and
// SetIpAddressType switches to it and back, with the shim; plain moto 5.2.1
// refuses the type; an internal load balancer is refused it with the shim too
// (AWS: internal load balancers must use ipv4).
func TestShimNoPublicIPv4(t *testing.T) {
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

	t.Run("plain moto refuses it", func(t *testing.T) {
		a := startPlainMoto(t)
		_, err := a.ELB.CreateLoadBalancer(ctx, lbIn(a, "plain", elbtypes.LoadBalancerSchemeEnumInternetFacing))
		if err == nil || !strings.Contains(err.Error(), "ipAddressType") {
			t.Fatalf("plain moto: CreateLoadBalancer with %s: err %v, want its ValidationError (else this shim is no longer needed)", noIPv4, err)
		}
	})

	a := startShim(t)
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
