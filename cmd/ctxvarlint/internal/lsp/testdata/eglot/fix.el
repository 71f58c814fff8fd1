;;; fix.el --- TestEglot's editor session  -*- lexical-binding: t -*-

;; Loaded by TestEglot in Emacs in batch mode, after packages.el and the
;; configuration from docs/editors.md: visit the file to fix
;; (EGLOT_TEST_FILE), wait for the server that the configuration starts and
;; for its diagnostic in Flymake, apply the quick fix with
;; `eglot-code-actions', save the file, wait for the server to publish no
;; diagnostic, and shut the server down.  Emacs exits 0 on success; on
;; failure it exits 3, and the log (EGLOT_TEST_LOG) says why.

(require 'cl-lib)
(require 'subr-x)

(defvar fix-log-file (getenv "EGLOT_TEST_LOG"))

(defun fix-log (format-string &rest args)
  "Append a line made with `format' of FORMAT-STRING and ARGS to the log."
  (write-region (concat (apply #'format format-string args) "\n")
                nil fix-log-file 'append 'silent))

(defun fix-wait (seconds what pred)
  "Return the first non-nil value of PRED, which is called until then.
Signal an error that names WHAT after SECONDS."
  (let ((deadline (+ (float-time) seconds))
        value)
    (while (and (not (setq value (funcall pred)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or value
        (error "Timed out after %d s waiting for %s" seconds what))))

(defvar fix-published nil
  "The number of diagnostics last published for the file, or nil.")

(defun fix-watch-publish (_server method &rest params)
  "Record in `fix-published' what the server publishes for the file."
  (when (and (eq method 'textDocument/publishDiagnostics)
             (string-suffix-p "/b/b.go" (plist-get params :uri)))
    (setq fix-published (length (plist-get params :diagnostics)))
    (fix-log "published %d diagnostics for the file" fix-published)))

(defun fix-findings ()
  "Return the Flymake diagnostics of the current buffer from ctxvarlint."
  (cl-remove-if-not (lambda (d)
                      (string-prefix-p "ctxvarlint" (flymake-diagnostic-text d)))
                    (flymake-diagnostics)))

(defun fix-main ()
  "Fix the file; signal an error if something goes wrong."
  (advice-add 'eglot-handle-notification :before #'fix-watch-publish)
  (find-file (getenv "EGLOT_TEST_FILE"))
  (unless (eq major-mode 'go-mode)
    (error "The file is in %s, not go-mode" major-mode))
  ;; `eglot-ensure', which the configuration hooks to go-mode, connects
  ;; after the command that visited the file: batch mode runs no command
  ;; loop, so run what it runs after a command.
  (run-hooks 'post-command-hook)
  (let* ((server (fix-wait 30 "Eglot to start a server for the buffer"
                           #'eglot-current-server))
         (command (process-command (jsonrpc--process server))))
    (fix-log "Eglot runs %S for the buffer" command)
    (unless (equal (file-name-nondirectory (car command)) "ctxvarlint")
      (error "The server is not ctxvarlint"))

    (let* ((findings (fix-wait 120 "ctxvarlint's diagnostic in Flymake"
                               #'fix-findings))
           (d (car findings))
           (text (flymake-diagnostic-text d))
           (region (buffer-substring-no-properties (flymake-diagnostic-beg d)
                                                   (flymake-diagnostic-end d))))
      (fix-log "Flymake: %s %S on %S" (flymake-diagnostic-type d) text region)
      (unless (= (length findings) 1)
        (error "%d diagnostics, not 1" (length findings)))
      (unless (and (string-prefix-p "ctxvarlint [barego]: " text)
                   (string-match-p "start it with ctxvar\\.Spawn" text))
        (error "The diagnostic is not barego's"))
      ;; The line has an emoji before the statement: Eglot and the server
      ;; must agree on UTF-16 columns.
      (unless (equal region "go report()")
        (error "The diagnostic's region is %S, not the go statement" region))

      ;; M-x eglot-code-actions on the finding, answering its prompt with
      ;; the default choice, the preferred action.
      (goto-char (flymake-diagnostic-beg d))
      (let ((last-nonmenu-event ?\r)    ; as after keys, not a mouse click
            (completing-read-function
             (lambda (prompt collection &optional _predicate _require-match
                             _initial _hist default &rest _)
               (fix-log "%s%S" prompt (all-completions "" collection))
               default)))
        (call-interactively #'eglot-code-actions)))

    (let ((line (buffer-substring-no-properties (line-beginning-position)
                                                (line-end-position))))
      (fix-log "after the quick fix: %S" line)
      (unless (string-match-p "ctxvar\\.Spawn(report)" line)
        (error "The quick fix did not change the go statement")))
    (setq fix-published nil)
    (save-buffer)
    (fix-wait 60 "the server to publish no diagnostic after the save"
              (lambda () (eql fix-published 0)))
    (when (fix-findings)
      (error "Flymake still shows the diagnostic"))
    ;; Eglot asks the server to shut down and exit, then kills it (jsonrpc
    ;; logs "exited with status 9"); the request fails if no answer comes.
    (eglot-shutdown server)))

(condition-case err
    (progn
      (fix-main)
      (kill-emacs 0))
  (error
   (fix-log "FAIL: %s" (error-message-string err))
   (dolist (b (buffer-list))
     (when (string-match-p "EGLOT.*events" (buffer-name b))
       (fix-log "%s:\n%s" (buffer-name b)
                (with-current-buffer b (buffer-string)))))
   (kill-emacs 3)))
