-- Argo CD health of a SentimentModel (sentiment.mlops.dev), read from the status the operator writes.
-- Argo CD runs it in gopher-lua (Lua 5.1) with only the base and table libraries: no string.*.
--   Suspended   spec.suspend is true, or spec.replicas is 0 with autoscaling off (serves no one)
--   Progressing the operator has not observed this generation, or the model is not Ready yet
--   Degraded    phase Failed (nothing servable) or Degraded (rollout stuck, bad pin while an old
--               version serves, availability lost): the message names the condition and why
--   Healthy     Ready is True: the model serves its version
local hs = {}

local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function messageOf(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local generation = obj.metadata.generation
if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the SentimentModel"
  return hs
end
if generation ~= nil and obj.status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
    .. " (observed " .. obj.status.observedGeneration .. ")"
  return hs
end

local spec = obj.spec or {}
local autoscaling = spec.autoscaling or {}
if spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true"
  return hs
end
if spec.replicas == 0 and autoscaling.enabled ~= true then
  hs.status = "Suspended"
  hs.message = "Scaled to zero (spec.replicas is 0): no server pod runs"
  if obj.status.currentVersion ~= nil then
    hs.message = hs.message .. "; version " .. obj.status.currentVersion .. " is kept"
  end
  return hs
end

local ready = condition("Ready")
local phase = obj.status.phase
if phase == "Failed" or phase == "Degraded" then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "phase " .. phase)
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = "Serving version " .. (obj.status.currentVersion or "unknown")
  if obj.status.readyDisplay ~= nil then
    hs.message = hs.message .. " (" .. obj.status.readyDisplay .. " ready)"
  end
  hs.message = hs.message .. ": " .. messageOf(ready, "Ready")
  return hs
end
hs.status = "Progressing"
hs.message = messageOf(ready, "Waiting for the model to become Ready")
return hs
