local hs = {}
hs.status = obj.spec.missing.field
return hs
