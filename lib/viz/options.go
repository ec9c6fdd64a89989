package viz

// HTMLOption sets how lib/viz/draw.HTML renders a chart (and lib/viz/nb
// shows it).
type HTMLOption func(*HTMLConfig)

// HTMLConfig is what HTMLOptions set. It is plain data, so that
// lib/viz/nb can hand it with a chart to the process that draws it.
type HTMLConfig struct {
	// Format of the static picture: "svg" (when empty) or "png".
	Format string
	// NoScript leaves out the interactive chart.
	NoScript bool
	// WithLoader puts EChartsLoader before the chart.
	WithLoader bool
}

// ConfigOf returns what opts set, applied in order to the zero HTMLConfig.
func ConfigOf(opts ...HTMLOption) HTMLConfig {
	var c HTMLConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Option returns the option that sets everything c sets: HTML(ch,
// c.Option()) draws as HTML(ch, opts...) does when c = ConfigOf(opts...).
func (c HTMLConfig) Option() HTMLOption {
	return func(to *HTMLConfig) {
		if c.Format != "" {
			to.Format = c.Format
		}
		to.NoScript = to.NoScript || c.NoScript
		to.WithLoader = to.WithLoader || c.WithLoader
	}
}

// StaticFormat chooses the picture embedded for readers without scripts:
// "svg" (the default: sharp, small for line charts) or "png".
func StaticFormat(format string) HTMLOption { return func(c *HTMLConfig) { c.Format = format } }

// StaticOnly leaves out the interactive chart: the HTML is the picture alone.
func StaticOnly() HTMLOption { return func(c *HTMLConfig) { c.NoScript = true } }

// WithLoader puts EChartsLoader before the chart, for the first chart of a page.
func WithLoader() HTMLOption { return func(c *HTMLConfig) { c.WithLoader = true } }
