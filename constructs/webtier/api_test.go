package webtier_test

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// module is this module's path.
const module = "github.com/platformstarter/elastic-web-tier"

// isInternal reports whether a package path is an internal package (Go
// refuses to import it from another module).
func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/") || strings.HasPrefix(path, "internal/")
}

// exposed lists where the exported API of pkg names a type of an internal
// package: in a signature, a field, a variable, a constant or an embedded
// type, of every exported identifier and every exported method and field
// of its exported types.
func exposed(pkg *types.Package) []string {
	var found []string
	// The walk does not enter a named type's underlying type, so it ends.
	var walk func(t types.Type, where string)
	walk = func(t types.Type, where string) {
		if t == nil {
			return
		}
		switch t := t.(type) {
		case *types.Named:
			if p := t.Obj().Pkg(); p != nil && isInternal(p.Path()) {
				found = append(found, fmt.Sprintf("%s: %s", where, types.TypeString(t, nil)))
			}
			if args := t.TypeArgs(); args != nil {
				for i := 0; i < args.Len(); i++ {
					walk(args.At(i), where)
				}
			}
			// A named type of another package is checked where it is defined.
		case *types.Alias:
			walk(types.Unalias(t), where)
		case *types.Pointer:
			walk(t.Elem(), where)
		case *types.Slice:
			walk(t.Elem(), where)
		case *types.Array:
			walk(t.Elem(), where)
		case *types.Map:
			walk(t.Key(), where)
			walk(t.Elem(), where)
		case *types.Chan:
			walk(t.Elem(), where)
		case *types.Signature:
			for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
				for i := 0; i < tup.Len(); i++ {
					walk(tup.At(i).Type(), where)
				}
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if f := t.Field(i); f.Exported() || f.Embedded() {
					walk(f.Type(), where+"."+f.Name())
				}
			}
		case *types.Interface:
			for i := 0; i < t.NumMethods(); i++ {
				if m := t.Method(i); m.Exported() {
					walk(m.Type(), where+"."+m.Name())
				}
			}
			for i := 0; i < t.NumEmbeddeds(); i++ {
				walk(t.EmbeddedType(i), where)
			}
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		where := pkg.Path() + "." + name
		switch obj := obj.(type) {
		case *types.TypeName:
			walk(obj.Type().Underlying(), where)
			if named, ok := obj.Type().(*types.Named); ok {
				mset := types.NewMethodSet(types.NewPointer(named))
				for i := 0; i < mset.Len(); i++ {
					if m := mset.At(i).Obj(); m.Exported() {
						walk(m.Type(), where+"."+m.Name())
					}
				}
			}
		default:
			walk(obj.Type(), where)
		}
	}
	return found
}

// TestPublicAPIHasNoInternalTypes: another module can use every exported
// identifier of the public packages (constructs/... and constructs/config):
// none of them names a type of an internal package in a signature, field,
// variable or embedded type (internal/ptr and constructs/internal are used
// inside only).
func TestPublicAPIHasNoInternalTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the type information of the constructs and the provider bindings")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedImports | packages.NeedDeps, Dir: ".."}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	var public []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.PkgPath, e)
		}
		if isInternal(strings.TrimPrefix(p.PkgPath, module+"/")) || p.Types == nil {
			continue
		}
		public = append(public, p.PkgPath)
		for _, f := range exposed(p.Types) {
			t.Errorf("exposes an internal type: %s", f)
		}
	}
	sort.Strings(public)
	for _, want := range []string{"alb", "compute", "config", "encryption", "nag", "network", "observability", "scaling", "webtier"} {
		if i := sort.SearchStrings(public, module+"/constructs/"+want); i == len(public) || public[i] != module+"/constructs/"+want {
			t.Errorf("public package constructs/%s was not checked; checked %v", want, public)
		}
	}
}

// TestExposedFindsInternalTypes: the walk above sees an internal type in
// each place the API can hold one.
func TestExposedFindsInternalTypes(t *testing.T) {
	internal := types.NewPackage(module+"/internal/ptr", "ptr")
	secret := types.NewNamed(types.NewTypeName(0, internal, "Secret", nil), types.Typ[types.Int], nil)
	pub := types.NewPackage(module+"/constructs/x", "x")
	add := func(obj types.Object) { pub.Scope().Insert(obj) }
	sig := types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewVar(0, pub, "v", types.NewPointer(secret))), nil, false)
	add(types.NewFunc(0, pub, "F", sig))
	add(types.NewVar(0, pub, "V", types.NewMap(types.Typ[types.String], secret)))
	st := types.NewStruct([]*types.Var{types.NewField(0, pub, "Field", types.NewSlice(secret), false)}, nil)
	add(types.NewTypeName(0, pub, "S", st))
	hidden := types.NewStruct([]*types.Var{types.NewField(0, pub, "field", secret, false)}, nil)
	add(types.NewTypeName(0, pub, "Hidden", hidden))
	got := exposed(pub)
	sort.Strings(got)
	want := []string{
		module + "/constructs/x.F: " + module + "/internal/ptr.Secret",
		module + "/constructs/x.S.Field: " + module + "/internal/ptr.Secret",
		module + "/constructs/x.V: " + module + "/internal/ptr.Secret",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exposed:\ngot  %q\nwant %q", got, want)
	}
}
