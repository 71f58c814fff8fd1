-- Run by TestNeovim after Neovim, configured by a block of
-- docs/editors.md, has opened the file to fix: wait for the client the
-- configuration starts, for its diagnostic, apply the quick fix, save the
-- file and wait for the diagnostic to go. Neovim exits 0 on success; on
-- failure it exits 3, and the log (NVIM_TEST_LOG) says why.

local logfile = os.getenv("NVIM_TEST_LOG")

local function log(fmt, ...)
  local f = io.open(logfile, "a")
  f:write(string.format(fmt, ...) .. "\n")
  f:close()
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local published = nil

  -- The configuration under test starts the client; watch what it gets.
  local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, cfg)
    if result.uri == uri then
      published = result.diagnostics
      log("published %d diagnostics for the file", #published)
    end
    return publish(err, result, ctx, cfg)
  end
  vim.lsp.handlers["window/logMessage"] = function(_, result)
    log("server: %s", result.message)
  end

  local client = nil
  local function attached()
    local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
    for _, c in ipairs(clients) do
      if c.name == "ctxvarlint" and vim.lsp.buf_is_attached(bufnr, c.id) then
        client = c
        return true
      end
    end
    return false
  end
  if not vim.wait(30000, attached, 20) then
    return "the configuration attached no client named ctxvarlint to the buffer"
  end

  if not vim.wait(120000, function() return published ~= nil and #published > 0 end, 20) then
    return "no diagnostic was published"
  end
  local d = published[1]
  log("diagnostic %s at %d:%d: %s", d.code, d.range.start.line, d.range.start.character, d.message)
  if d.code ~= "barego" then
    return "the diagnostic is not barego's"
  end

  local params = {
    textDocument = { uri = uri },
    range = d.range,
    context = { diagnostics = { d } },
  }
  -- Client methods take the client as self from Neovim 0.11 on.
  local methods = vim.fn.has("nvim-0.11") == 1
  local resp
  if methods then
    resp = client:request_sync("textDocument/codeAction", params, 60000, bufnr)
  else
    resp = client.request_sync("textDocument/codeAction", params, 60000, bufnr)
  end
  if not resp or resp.err or not resp.result or #resp.result == 0 then
    return "no code action: " .. vim.inspect(resp)
  end
  local action = resp.result[1]
  log("applying %q", action.title)
  vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")

  published = nil
  vim.cmd("write")
  if not vim.wait(60000, function() return published ~= nil and #published == 0 end, 20) then
    return "the diagnostic did not go away after the fix was saved"
  end
  if methods then
    client:stop()
  else
    client.stop()
  end
  return nil
end

local ok, err = pcall(main)
if not ok or err then
  log("FAIL: %s", tostring(err))
  vim.cmd("cquit 3")
end
vim.cmd("qall!")
