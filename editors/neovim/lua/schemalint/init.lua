-- schemalint for Neovim: starts `schemalint lsp` for Prisma schemas and
-- migration SQL. Works on Neovim 0.8+ (vim.lsp.start) and falls back to
-- vim.lsp.start_client + buf_attach_client on 0.7.
local M = {}

local defaults = {
  cmd = { "schemalint", "lsp" },
  filetypes = { "prisma", "sql" },
  -- Files whose folder marks the workspace root.
  root_markers = { "schemalint.toml", "prisma.config.ts", "prisma", "package.json", ".git" },
}

M.config = vim.deepcopy(defaults)

local function find_root(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local prev = nil
  while dir ~= prev do
    for _, marker in ipairs(M.config.root_markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    prev = dir
    dir = vim.fn.fnamemodify(dir, ":h")
  end
  return vim.fn.getcwd()
end

-- SQL buffers only belong to schemalint inside a migrations folder.
local function wanted(bufnr)
  local ft = vim.bo[bufnr].filetype
  if ft == "prisma" then
    return true
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  return ft == "sql" and name:find("/migrations?/") ~= nil
end

local clients = {}

function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not wanted(bufnr) then
    return
  end
  local root = find_root(bufnr)
  local config = {
    name = "schemalint",
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  -- Neovim 0.7: one client per root, attached to each buffer.
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  vim.filetype = vim.filetype or {}
  if vim.filetype.add then
    vim.filetype.add({ extension = { prisma = "prisma" } })
  else
    vim.cmd([[autocmd BufRead,BufNewFile *.prisma setfiletype prisma]])
  end
  local group = vim.api.nvim_create_augroup("schemalint", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M
