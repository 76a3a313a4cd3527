-- Argo CD health of a TrainingRun (sentiment.mlops.dev), read from the status the operator writes.
-- Argo CD runs it in gopher-lua (Lua 5.1) with only the base and table libraries: no string.*.
--   Progressing the operator has not observed this generation, or the run is pending or training
--   Suspended   spec.suspend is true and the run has not finished
--   Degraded    phase Failed (the Trained condition says why), or the gate Rejected the model
--               while the promotion policy is Auto (the message names the check and its figures)
--   Healthy     training succeeded: Promoted, AwaitingApproval, Succeeded (policy Never), or
--               Rejected under policy Manual (the user's own answer)
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

-- The policy in force: the spec's, else Auto with a model and Never without (as the operator).
local function promotionPolicy()
  local spec = obj.spec or {}
  if spec.promotion ~= nil and spec.promotion.policy ~= nil then
    return spec.promotion.policy
  end
  if spec.model ~= nil then
    return "Auto"
  end
  return "Never"
end

local function decision()
  local p = obj.status.promotion or {}
  local text = p.reason or "no reason"
  if p.message ~= nil and p.message ~= "" then
    text = text .. ": " .. p.message
  end
  return text
end

local generation = obj.metadata.generation
if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the TrainingRun"
  return hs
end
if generation ~= nil and obj.status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
    .. " (observed " .. obj.status.observedGeneration .. ")"
  return hs
end

local phase = obj.status.phase
local trained = condition("Trained")
if phase == "Failed" then
  hs.status = "Degraded"
  hs.message = "Training failed"
  if trained ~= nil and trained.reason ~= nil then
    hs.message = hs.message .. " (" .. trained.reason .. ")"
  end
  hs.message = hs.message .. ": " .. messageOf(trained, "see the TrainingRun's events")
  return hs
end
if phase == "Rejected" then
  local policy = promotionPolicy()
  if policy == "Auto" then
    hs.status = "Degraded"
    hs.message = "Promotion rejected by the gate (" .. decision() .. ")"
  else
    hs.status = "Healthy"
    hs.message = "Trained; not promoted under policy " .. policy .. " (" .. decision() .. ")"
  end
  return hs
end
if phase == "Promoted" then
  hs.status = "Healthy"
  hs.message = "Promoted (" .. decision() .. ")"
  return hs
end
if phase == "AwaitingApproval" then
  hs.status = "Healthy"
  hs.message = "Trained; awaiting approval: " .. messageOf(condition("Promoted"), decision())
  return hs
end
if phase == "Succeeded" then
  hs.status = "Healthy"
  hs.message = "Trained, not promoted (" .. decision() .. "): " .. messageOf(trained, "succeeded")
  return hs
end
if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "Suspended: " .. messageOf(trained, "spec.suspend is true")
  return hs
end
hs.status = "Progressing"
hs.message = messageOf(trained, "Waiting for the run to start")
if phase ~= nil then
  hs.message = phase .. ": " .. hs.message
end
return hs
