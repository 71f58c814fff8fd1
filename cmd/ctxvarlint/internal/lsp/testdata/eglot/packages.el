;;; packages.el --- the packages of a Debian user's Emacs  -*- lexical-binding: t -*-

;; Loaded first by TestEglot, which runs Emacs with -Q so that no init
;; file of the user's counts.  -Q also leaves out the site-lisp
;; directories, where Debian's elpa-* packages (elpa-eglot, elpa-go-mode)
;; live, so activate those here as Emacs does at startup without -Q, and
;; none of the user's own packages.  From Emacs 29 on, Eglot comes with
;; Emacs.

(require 'package)
(setq user-emacs-directory (file-name-as-directory (getenv "EGLOT_TEST_HOME"))
      package-user-dir (expand-file-name "elpa" user-emacs-directory)
      package-directory-list
      (seq-filter #'file-directory-p '("/usr/share/emacs/site-lisp/elpa"
                                       "/usr/local/share/emacs/site-lisp/elpa")))
(package-initialize)
