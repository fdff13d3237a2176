package lazyjsii

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	_ "unsafe" // for go:linkname

	// The bindings that embed the provider's npm tarball; imported for the
	// linkname below (the app imports them anyway).
	"golang.org/x/mod/modfile"

	_ "github.com/cdktf/cdktf-provider-aws-go/aws/v19/jsii"
)

// providerTarball is the npm tarball of @cdktf/provider-aws that the Go
// bindings embed and hand to the jsii kernel (their unexported variable
// `tarball`). Reading the very bytes the kernel gets is what lets us compute
// the kernel's package cache key. Should the bindings ever rename it, this
// stays empty and Setup falls back to the standard loading path.
//
//go:linkname providerTarball github.com/cdktf/cdktf-provider-aws-go/aws/v19/jsii.tarball
var providerTarball []byte

// ProviderModule is the Go module of the AWS provider bindings; its version
// (go.mod's pin, read from the build info) is the npm version they load.
const ProviderModule = "github.com/cdktf/cdktf-provider-aws-go/aws/v19"

// ProviderName is the npm package the AWS provider bindings load.
const ProviderName = "@cdktf/provider-aws"

// The embedded tarballs as the bindings have them, before Setup hands them
// stand-ins.
var embeddedProvider, embeddedCDKTF = providerTarball, cdktfTarball

// AWSProvider returns the AWS provider package as the bindings load it: its
// npm name, the version go.mod pins and the embedded tarball.
func AWSProvider() (Package, error) {
	if len(embeddedProvider) == 0 {
		return Package{}, errors.New("the AWS provider bindings no longer expose their embedded tarball")
	}
	v, id, err := pinnedModule(ProviderModule)
	if err != nil {
		return Package{}, err
	}
	return Package{Name: ProviderName, Version: v, Tarball: embeddedProvider, Identity: id}, nil
}

// handTarball makes the bindings of package name hand b to the kernel (the
// stand-in, or back the original); it reports whether it knows the package.
func handTarball(name string, b []byte) bool {
	switch name {
	case ProviderName:
		providerTarball = b
	case "cdktf":
		cdktfTarball = b
	default:
		return false
	}
	return true
}

// pinnedModule returns the npm-style version of module path this program was
// built with, and its identity, "path@vVERSION": a module version's content
// never changes (go.sum pins its hash, and the go command checks it), so it
// names the tarball the module embeds without hashing it. The same identity
// comes out of the build information of a binary and, in test binaries, of
// go.mod, so that both use one copy. A replaced module has no identity (the
// tarball's sha256 is used instead); go.mod's replace makes pinnedVersion fail.
func pinnedModule(path string) (version, identity string, err error) {
	version, err = pinnedVersion(path)
	if err != nil {
		return "", "", err
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path && d.Replace != nil {
				return version, "", nil
			}
		}
	}
	return version, path + "@v" + version, nil
}

// pinnedVersion returns the version of module path that this program was
// built with: from the build information, or, in test binaries (whose build
// information lists no dependencies), from the go.mod of the main module
// found from the working directory up.
func pinnedVersion(path string) (string, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build information in this binary (cannot tell which provider version go.mod pins)")
	}
	if len(bi.Deps) > 0 {
		return moduleVersion(bi, path)
	}
	gomod, data, err := findGoMod(bi.Main.Path)
	if err != nil {
		return "", err
	}
	return goModVersion(gomod, data, path)
}

// findGoMod looks for the go.mod of module mainPath in the working directory
// and its parents.
func findGoMod(mainPath string) (string, []byte, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	for {
		p := filepath.Join(dir, "go.mod")
		if data, err := os.ReadFile(p); err == nil && modfile.ModulePath(data) == mainPath {
			return p, data, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil, fmt.Errorf("no go.mod of %s above the working directory (cannot tell which provider version it pins)", mainPath)
		}
		dir = parent
	}
}

// goModVersion returns the npm-style version go.mod pins for module path.
func goModVersion(file string, data []byte, path string) (string, error) {
	f, err := modfile.Parse(file, data, nil)
	if err != nil {
		return "", err
	}
	for _, r := range f.Replace {
		if r.Old.Path == path {
			return "", fmt.Errorf("%s replaces %s (no version to check the tarball against)", file, path)
		}
	}
	for _, r := range f.Require {
		if r.Mod.Path == path {
			return npmVersion(path, r.Mod.Version)
		}
	}
	return "", fmt.Errorf("%s does not require %s", file, path)
}

func npmVersion(path, v string) (string, error) {
	if !strings.HasPrefix(v, "v") || len(v) < 2 {
		return "", fmt.Errorf("%s has version %q, not a release version", path, v)
	}
	return strings.TrimPrefix(v, "v"), nil
}

// moduleVersion returns the npm-style version (no leading v) of module path
// in bi.
func moduleVersion(bi *debug.BuildInfo, path string) (string, error) {
	for _, d := range bi.Deps {
		if d.Path != path {
			continue
		}
		v := d.Version
		if d.Replace != nil {
			if d.Replace.Version == "" {
				return "", fmt.Errorf("%s is replaced by %s (no version to check the tarball against)", path, d.Replace.Path)
			}
			v = d.Replace.Version
		}
		return npmVersion(path, v)
	}
	return "", fmt.Errorf("%s is not in this binary's build information", path)
}
