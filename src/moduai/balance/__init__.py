"""moduai.balance"""
