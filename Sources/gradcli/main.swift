print("gradcli")
