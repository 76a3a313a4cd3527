// Command argocd-lua-health runs an Argo CD health.lua over objects the way Argo CD does
// (argo-cd util/lua/lua.go, runLua and ExecuteHealthLua): gopher-lua with the standard libraries
// skipped and only package, base and table opened (a customization from argocd-cm runs without
// useOpenLibs), the object as the global `obj`, a one-second deadline, and a returned table whose
// status must be one of Argo CD's health codes.
//
//	argocd-lua-health health.lua < objects.json > results.json
//
// stdin: a JSON array of objects; stdout: a JSON array of {status, message} or {error}, in order.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
)

type result struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

var validStatus = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: argocd-lua-health health.lua < objects.json")
		os.Exit(2)
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "Could not read the script: %v\n", err)
		os.Exit(2)
	}
	var objects []map[string]any
	if err := json.NewDecoder(os.Stdin).Decode(&objects); err != nil {
		fmt.Fprintf(os.Stderr, "stdin is not a JSON array of objects: %v\n", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(objects))
	for _, obj := range objects {
		results = append(results, health(string(script), obj))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintf(os.Stderr, "Could not write the results: %v\n", err)
		os.Exit(1)
	}
}

func health(script string, obj map[string]any) result {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return result{Error: err.Error()}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decodeValue(l, obj))
	if err := l.DoString(script); err != nil {
		return result{Error: err.Error()}
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return result{Error: fmt.Sprintf("expect table output from Lua script, not %s", l.Get(-1).Type())}
	}
	status, message := table.RawGetString("status"), table.RawGetString("message")
	if status.Type() != lua.LTString || !validStatus[status.String()] {
		return result{Status: "Unknown", Message: "Lua returned an invalid health status"}
	}
	if message.Type() != lua.LTString && message != lua.LNil {
		return result{Error: fmt.Sprintf("message is a %s, not a string", message.Type())}
	}
	r := result{Status: status.String()}
	if message != lua.LNil {
		r.Message = message.String()
	}
	return r
}

// decodeValue turns a JSON value into a Lua value as Argo CD's decodeValue does.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return tbl
	}
	return lua.LNil
}
