"""Forms (input validation only), one module per noun."""
