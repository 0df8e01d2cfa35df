autocmd BufRead,BufNewFile *.prisma setfiletype prisma
