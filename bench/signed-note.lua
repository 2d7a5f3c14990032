-- wrk script: session notes written and signed, one after the other.
-- Each connection's thread alternates: create a draft for the client, then
-- sign the draft it got back (which creates the 24/48-hour check-ins and
-- their links). Both are counted as requests.
--   wrk -s bench/signed-note.lua ... http://host/api/v1/clients/CLIENT_ID/sessions
-- with TOKEN in the environment.

local token = os.getenv("TOKEN")
local client_path = nil
local to_sign = {}

local note = '{"note": {"date": "2026-11-20", "duration_minutes": 60, "techniques": ["ischemic compression"], ' ..
  '"pain_before": 6, "pain_after": 3, "treated": [{"muscle": "upper_trapezius", "side": "right", ' ..
  '"trigger_point": "tp1", "pressure": "firm", "checks": [{"discomfort": 4, "sharp": false}]}]}}'

function init(args)
  client_path = wrk.path
end

function request()
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }
  local draft = table.remove(to_sign)
  if draft then
    return wrk.format("POST", "/api/v1/sessions/" .. draft .. "/sign", headers, '{"version": 1}')
  end
  return wrk.format("POST", client_path, headers, note)
end

function response(status, headers, body)
  if status == 201 then
    local id = string.match(body, '"id":"([^"]+)"')
    if id then
      table.insert(to_sign, id)
    end
  end
end
