package reqctx

import "github.com/ctxvar/ctxvar/ctxvar"

// Impersonate runs f as user, for the support tool: the audit log shows the
// admin who asked, then the user.
func Impersonate(user string, f func()) {
	admin := User.Set("admin")
	as := User.Set(user)
	f()
	User.Reset(admin)
	User.Reset(as)
}

// Tenant returns the request's tenant, "default" when none was set.
func Tenant() string {
	return ctxvar.New("tenant", ctxvar.Default("default")).Get()
}
