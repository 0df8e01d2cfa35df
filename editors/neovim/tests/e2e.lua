-- Headless end-to-end test: a real Neovim opens a schema of the example
-- workspace (a copy) through the plugin, waits for schemalint's
-- diagnostics, applies the SL101 quick fix through Neovim's own code-action
-- path (vim.lsp.buf.code_action, with vim.ui.select answered by the test),
-- writes the file and checks that the finding is gone and the index is on
-- disk. Run by tests/nvim.sh; SCHEMALINT_BIN and SCHEMALINT_FILE come from
-- there. Any missing step fails loudly with a non-zero exit.
local bin = os.getenv("SCHEMALINT_BIN")
local file = os.getenv("SCHEMALINT_FILE")

local function fail(msg)
  io.stderr:write("FAIL: " .. msg .. "\n")
  vim.cmd("cquit! 1")
end

if not bin or not file then
  fail("SCHEMALINT_BIN and SCHEMALINT_FILE must be set (run tests/nvim.sh)")
end

vim.cmd("filetype on")
require("schemalint").setup({ cmd = { bin, "lsp" } })
vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
if vim.bo[bufnr].filetype ~= "prisma" then
  fail("filetype is '" .. vim.bo[bufnr].filetype .. "', expected prisma")
end

local function code_of(d)
  if d.code then
    return d.code
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local function with_code(code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code then
      table.insert(found, d)
    end
  end
  return found
end

local function describe()
  local messages = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(messages, string.format("%d:%s:%s:%s", d.lnum + 1, d.source or "?", tostring(code_of(d)), d.message))
  end
  return table.concat(messages, "\n")
end

-- 1. Diagnostics arrive.
local ok = vim.wait(30000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 100)
if not ok then
  fail("no diagnostics within 30 s")
end
local all = describe()
if not all:find("missing%-relation%-index") then
  fail("no missing-relation-index diagnostic in:\n" .. all)
end
if not all:find("cascade%-deletes%-audit%-records") then
  fail("no cascade-deletes-audit-records diagnostic in:\n" .. all)
end
local received = #vim.diagnostic.get(bufnr)

-- 2. The cursor on the SL101 finding, and Neovim's code-action request.
local sl101 = with_code("SL101")
if #sl101 ~= 1 then
  fail("expected one SL101 diagnostic, got " .. #sl101 .. " in:\n" .. all)
end
local target = sl101[1]
vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
local fix_line = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, false)[1]

local offered = nil
local picked = nil
vim.ui.select = function(items, opts, on_choice)
  offered = {}
  local choice = nil
  for _, item in ipairs(items) do
    local title = opts.format_item and opts.format_item(item) or tostring(item)
    table.insert(offered, title)
    if not choice and title:find("^Add `@@index%(%[uploadedById%]%)` to `Attachment`") then
      choice = item
      picked = title
    end
  end
  on_choice(choice)
end
vim.lsp.buf.code_action()
if not vim.wait(15000, function()
  return offered ~= nil
end, 50) then
  fail("vim.lsp.buf.code_action() never offered a choice")
end
if not picked then
  fail("no SL101 fix among the code actions:\n" .. table.concat(offered, "\n"))
end
local applied = vim.wait(5000, function()
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find("@@index%(%[uploadedById%]%)") then
      return true
    end
  end
  return false
end, 50)
if not applied then
  fail("picked '" .. picked .. "' but the buffer never got the index")
end
if not vim.bo[bufnr].modified then
  fail("the code action did not change the buffer")
end

-- 3. Save; the finding goes away once the server has the new text, and the
-- other findings stay.
vim.cmd("write")
local fixed = vim.wait(30000, function()
  return #with_code("SL101") == 0 and #vim.diagnostic.get(bufnr) > 0
end, 100)
if not fixed then
  fail("SL101 still reported after the fix and :write:\n" .. describe())
end
if #vim.diagnostic.get(bufnr) ~= received - 1 then
  fail(string.format("expected %d diagnostics after the fix, got:\n%s", received - 1, describe()))
end

-- 4. The file on disk holds the new index, inside `model Attachment`.
local disk = table.concat(vim.fn.readfile(file), "\n")
local model = disk:match("model Attachment {(.-)\n}")
if not model then
  fail("no model Attachment on disk:\n" .. disk)
end
if not model:find("\n  @@index%(%[uploadedById%]%)") then
  fail("model Attachment on disk has no @@index([uploadedById]):\n" .. model)
end
if not disk:find(vim.pesc(fix_line), 1, false) then
  fail("the relation line changed: " .. fix_line)
end

print(string.format(
  "neovim 0.%s: %d schemalint diagnostics; applied '%s' through vim.lsp.buf.code_action; SL101 gone after :write, @@index on disk",
  tostring(vim.version().minor), received, picked))
vim.cmd("qall!")
