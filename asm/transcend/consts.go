package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"math"
)

// consts holds the constants of trueno/transcend_consts.go, the single
// source of every number the kernels use: the generic references read them
// as Go constants, the generator parses and type-checks the file and puts
// the same bits into the assembly.
type consts struct {
	f32 map[string]uint32 // typed float32 constants, as bits
	f64 map[string]uint64 // typed float64 constants, as bits
	u32 map[string]uint32 // untyped integer constants (bit patterns)
}

func parseConsts(path string) (*consts, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	if _, err := (&types.Config{}).Check("trueno", fset, []*ast.File{file}, info); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	c := &consts{f32: map[string]uint32{}, f64: map[string]uint64{}, u32: map[string]uint32{}}
	// The literal of every typed constant, before the type checker rounds
	// it to its type: it must be exact.
	literal := map[string]constant.Value{}
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if i < len(vs.Values) {
					if v := literalValue(vs.Values[i]); v != nil {
						literal[id.Name] = v
					}
				}
			}
		}
	}
	for id, obj := range info.Defs {
		k, ok := obj.(*types.Const)
		if !ok {
			continue
		}
		v := k.Val()
		switch t := k.Type().Underlying().(*types.Basic); t.Kind() {
		case types.Float32, types.Float64:
			lit, ok := literal[id.Name]
			if !ok {
				return nil, fmt.Errorf("%s: %s: a typed float constant must be a literal", path, id.Name)
			}
			if t.Kind() == types.Float32 {
				f, exact := constant.Float32Val(lit)
				if !exact {
					return nil, fmt.Errorf("%s: %s = %v is not exactly a float32", path, id.Name, lit)
				}
				c.f32[id.Name] = math.Float32bits(f)
			} else {
				f, exact := constant.Float64Val(lit)
				if !exact {
					return nil, fmt.Errorf("%s: %s = %v is not exactly a float64", path, id.Name, lit)
				}
				c.f64[id.Name] = math.Float64bits(f)
			}
		case types.UntypedInt:
			u, exact := constant.Uint64Val(v)
			if !exact || u > math.MaxUint32 {
				return nil, fmt.Errorf("%s: %s = %v is not a 32-bit pattern", path, id.Name, v)
			}
			c.u32[id.Name] = uint32(u)
		default:
			return nil, fmt.Errorf("%s: constant %s has unsupported type %v", path, id.Name, t)
		}
	}
	return c, nil
}

// literalValue evaluates a numeric literal, possibly negated or in
// parentheses, exactly; nil for any other expression.
func literalValue(e ast.Expr) constant.Value {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.INT || e.Kind == token.FLOAT {
			return constant.MakeFromLiteral(e.Value, e.Kind, 0)
		}
	case *ast.ParenExpr:
		return literalValue(e.X)
	case *ast.UnaryExpr:
		if v := literalValue(e.X); v != nil && (e.Op == token.SUB || e.Op == token.ADD) {
			return constant.UnaryOp(e.Op, v, 0)
		}
	}
	return nil
}
