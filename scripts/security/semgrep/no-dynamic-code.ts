import vm from "node:vm";

const body = '{"a": 1}';
// ruleid: no-dynamic-code
eval(body);
// ruleid: no-dynamic-code
const f = new Function("x", body);
// ruleid: no-dynamic-code
vm.runInThisContext(body);
// ruleid: no-dynamic-code
setTimeout("alert(1)", 10);

// ok: no-dynamic-code
JSON.parse(body);
// ok: no-dynamic-code
setTimeout(() => f(1), 10);
