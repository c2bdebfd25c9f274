"""Thin views: parse → permission → form → service/selector → render. One module per noun."""
