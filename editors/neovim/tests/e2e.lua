-- Headless end-to-end test: a real Neovim opens a schema of the example
-- workspace through the plugin and waits for schemalint's diagnostics.
-- Run by tests/nvim.sh; SCHEMALINT_BIN and SCHEMALINT_FILE come from there.
local bin = os.getenv("SCHEMALINT_BIN")
local file = os.getenv("SCHEMALINT_FILE")

local function fail(msg)
  io.stderr:write("FAIL: " .. msg .. "\n")
  vim.cmd("cquit! 1")
end

vim.cmd("filetype on")
require("schemalint").setup({ cmd = { bin, "lsp" } })
vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
if vim.bo[bufnr].filetype ~= "prisma" then
  fail("filetype is '" .. vim.bo[bufnr].filetype .. "', expected prisma")
end

local ok = vim.wait(30000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 100)
if not ok then
  fail("no diagnostics within 30 s")
end

local messages = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(messages, string.format("%d:%s:%s", d.lnum + 1, d.source or "?", d.message))
end
local all = table.concat(messages, "\n")
if not all:find("missing%-relation%-index") then
  fail("no missing-relation-index diagnostic in:\n" .. all)
end
if not all:find("cascade%-deletes%-audit%-records") then
  fail("no cascade-deletes-audit-records diagnostic in:\n" .. all)
end
print(string.format("neovim %s received %d schemalint diagnostics", tostring(vim.version().minor), #messages))
vim.cmd("qall!")
